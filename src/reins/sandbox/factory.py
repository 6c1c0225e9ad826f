"""Pick the sandbox: bubblewrap if it is installed and works, else a plain subprocess."""

from __future__ import annotations

import subprocess
import sys
from functools import cache

from reins.sandbox.bwrap import BubblewrapSandbox, bwrap_available
from reins.sandbox.local import SubprocessSandbox
from reins.sandbox.policy import MODES


@cache
def bwrap_works() -> bool:
    """bwrap can be installed yet unusable (no user namespaces in some containers)."""
    if not bwrap_available():
        return False
    probe = ["bwrap", "--ro-bind", "/", "/", "--unshare-pid", "--", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def make_sandbox(workspace: str, mode: str = "workspace-write", allow_network: bool = False):
    if mode not in MODES:
        raise ValueError(f"unknown sandbox mode {mode!r}; use one of {', '.join(MODES)}")
    if mode == "full-access":
        return SubprocessSandbox()
    if bwrap_works():
        return BubblewrapSandbox(workspace, allow_network, writable=mode == "workspace-write")
    warn_unsandboxed()
    return SubprocessSandbox()


@cache
def warn_unsandboxed() -> None:
    """Once per process: say that commands are not isolated."""
    print(
        "reins: warning: bubblewrap is not available; commands run unsandboxed "
        "(install it with: apt-get install bubblewrap)",
        file=sys.stderr,
    )
