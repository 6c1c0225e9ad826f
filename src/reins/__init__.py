"""reins: an open, model-agnostic agent harness for coding agents."""

__version__ = "0.1.0"
