"""Terminal front ends: rendering a live turn, the interactive chat."""
