"""Tools the agent calls, their schemas, the error taxonomy and the parallel executor."""
