"""Pick the sandbox: bubblewrap if it is installed and works, else a plain subprocess."""

from __future__ import annotations

import subprocess
import sys
from functools import cache

from reins.sandbox.bwrap import BubblewrapSandbox, BwrapFeatures, bwrap_available
from reins.sandbox.local import SubprocessSandbox
from reins.sandbox.policy import MODES

# From the most isolated down. A user namespace is what makes capabilities drop for a
# root caller; some containers forbid it, where root still gets --cap-drop ALL.
CANDIDATES = (
    BwrapFeatures(user_namespace=True, disable_userns=True),
    BwrapFeatures(user_namespace=True, disable_userns=False),
    BwrapFeatures(user_namespace=False, disable_userns=False),
)


@cache
def probe_bwrap() -> BwrapFeatures | None:
    """The strongest bwrap setup that runs here, or None (bwrap missing or unusable)."""
    if not bwrap_available():
        return None
    for features in CANDIDATES:
        sandbox = BubblewrapSandbox("/", writable=False, features=features)
        argv = sandbox.argv_exec(["true"], "/")
        try:
            if subprocess.run(argv, capture_output=True, timeout=10).returncode == 0:
                return features
        except (OSError, subprocess.SubprocessError):
            return None
    return None


def bwrap_works() -> bool:
    """bwrap can be installed yet unusable (no user namespaces in some containers)."""
    return probe_bwrap() is not None


def make_sandbox(
    workspace: str,
    mode: str = "workspace-write",
    allow_network: bool = False,
    env_passthrough: tuple[str, ...] = (),
    hidden: tuple[str, ...] = (),
):
    if mode not in MODES:
        raise ValueError(f"unknown sandbox mode {mode!r}; use one of {', '.join(MODES)}")
    if mode == "full-access":
        return SubprocessSandbox(allow_network=True, env_passthrough=env_passthrough)
    features = probe_bwrap()
    if features is not None:
        return BubblewrapSandbox(
            workspace, allow_network, writable=mode == "workspace-write", features=features,
            env_passthrough=env_passthrough, hidden=hidden,
        )  # fmt: skip
    warn_unsandboxed()
    return SubprocessSandbox(allow_network=allow_network, env_passthrough=env_passthrough)


@cache
def warn_unsandboxed() -> None:
    """Once per process: say that commands are not isolated."""
    print(
        "reins: warning: bubblewrap is not available; commands run unsandboxed "
        "(install it with: apt-get install bubblewrap)",
        file=sys.stderr,
    )
