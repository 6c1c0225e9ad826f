"""The turn loop, context building and the guards around it."""
