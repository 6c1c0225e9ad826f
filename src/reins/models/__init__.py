"""Talking to models: provider-neutral messages and the ModelClient protocol."""
