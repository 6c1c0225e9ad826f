"""bubblewrap: the host read-only, the workspace writable, no capabilities, no network.

Holds when reins runs as root: the command gets a user namespace with every capability
dropped (no mount, umount, nsenter or ptrace), cannot make another user namespace to
regain them, and sees a fresh /proc of its own pid namespace (not reins' environment).
Paths the host keeps secrets in are hidden, sockets under /run and /tmp are out of reach,
and the repository's .git and .reins stay read-only (hooks and config run code on the host).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from reins.sandbox.base import ProcessSandbox
from reins.sandbox.policy import PROTECTED
from reins.sandbox.private import private_paths


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None


@dataclass(frozen=True)
class BwrapFeatures:
    """What this bwrap and kernel allow; probed once (see factory.probe_bwrap)."""

    user_namespace: bool = True  # --unshare-user works (needs unprivileged userns or root)
    disable_userns: bool = True  # bwrap >= 0.8: --disable-userns


def isolation_flags(features: BwrapFeatures, allow_network: bool) -> list[str]:
    flags = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if features.user_namespace:
        flags.append("--unshare-user")
        if features.disable_userns:
            flags.append("--disable-userns")
    if not allow_network:
        flags.append("--unshare-net")
    flags += ["--cap-drop", "ALL", "--die-with-parent", "--new-session"]
    return flags


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def _hide(path: Path) -> list[str]:
    if path.is_dir():
        return ["--tmpfs", str(path), "--remount-ro", str(path)]
    return ["--ro-bind", "/dev/null", str(path)]


@dataclass(frozen=True)
class Mount:
    """An extra host path inside the sandbox (the bench's verifier: tests at /tests)."""

    source: Path
    target: str
    writable: bool = False


# Made fresh in the sandbox, never taken from the host.
OWN_TOP_LEVEL = {"proc", "dev", "tmp", "run", "lost+found"}


def root_flags(entry_by_entry: bool) -> list[str]:
    """The host root, read-only. Bound entry by entry when extra mounts need new top-level
    directories (a read-only bind of / leaves nowhere to create /tests)."""
    if not entry_by_entry:
        return ["--ro-bind", "/", "/"]
    flags: list[str] = []
    for entry in sorted(os.scandir("/"), key=lambda e: e.name):
        if entry.name in OWN_TOP_LEVEL:
            continue
        if entry.is_symlink():
            flags += ["--symlink", os.readlink(entry.path), entry.path]
        else:
            flags += ["--ro-bind", entry.path, entry.path]
    return flags


def filesystem_flags(
    workspace: Path, writable: bool, allow_network: bool, mounts: tuple[Mount, ...] = (),
    hidden: tuple[str, ...] = (),
) -> list[str]:  # fmt: skip
    flags = [*root_flags(bool(mounts)), "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    # Unix sockets (docker.sock, dbus, X11) are reachable through a read-only mount and
    # across network namespaces: hide /run, and /tmp is a private tmpfs already.
    flags += ["--tmpfs", "/run"]
    if allow_network:
        resolv = Path(os.path.realpath("/etc/resolv.conf"))
        if resolv.is_file() and resolv.is_relative_to("/run"):
            flags += ["--ro-bind", str(resolv), str(resolv)]
    private = [p for p in private_paths(hidden) if not _inside(p, Path("/tmp"))]
    # A secret dir holding the workspace is hidden first; the workspace mount goes on top.
    flags += [f for p in private if _inside(workspace, p) for f in _hide(p)]
    flags += ["--bind" if writable else "--ro-bind", str(workspace), str(workspace)]
    flags += [f for p in private if not _inside(workspace, p) for f in _hide(p)]
    if writable:
        for name in PROTECTED:
            path = Path(os.path.realpath(workspace / name))
            if path.exists() and path.is_relative_to(workspace) and path != workspace:
                flags += ["--ro-bind", str(path), str(path)]
    for mount in mounts:
        flags += ["--bind" if mount.writable else "--ro-bind", str(mount.source), mount.target]
    return flags


class BubblewrapSandbox(ProcessSandbox):
    name = "bubblewrap"

    def __init__(
        self,
        workspace: str,
        allow_network: bool = False,
        writable: bool = True,
        features: BwrapFeatures | None = None,
        env_passthrough: tuple[str, ...] = (),
        mounts: tuple[Mount, ...] = (),
        hidden: tuple[str, ...] = (),
    ):
        self.mounts = mounts
        self.hidden = hidden
        self.workspace = Path(os.path.realpath(workspace))
        self.allow_network = allow_network
        self.writable = writable
        self.features = features or BwrapFeatures()
        self.env_passthrough = env_passthrough

    def argv_exec(self, argv: list[str], cwd: str) -> list[str]:
        """Any program, not only a shell line (language servers, reins' own git calls)."""
        return [
            "bwrap",
            *isolation_flags(self.features, self.allow_network),
            *filesystem_flags(
                self.workspace, self.writable, self.allow_network, self.mounts, self.hidden
            ),
            "--chdir", cwd,
            "--", *argv,
        ]  # fmt: skip
