"""Where commands run: bubblewrap when available, a plain subprocess otherwise."""

from reins.sandbox.base import ExecResult, Sandbox
from reins.sandbox.factory import make_sandbox

__all__ = ["ExecResult", "Sandbox", "make_sandbox"]
