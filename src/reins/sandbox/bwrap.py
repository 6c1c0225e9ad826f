"""bubblewrap: read-only root, writable workspace, private /tmp, no network unless allowed."""

from __future__ import annotations

import shutil

from reins.sandbox.base import ExecResult, run_process


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None


class BubblewrapSandbox:
    name = "bubblewrap"

    def __init__(self, workspace: str, allow_network: bool = False, writable: bool = True):
        self.workspace = workspace
        self.allow_network = allow_network
        self.writable = writable

    def argv(self, command: str, cwd: str) -> list[str]:
        argv = [
            "bwrap",
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--tmpfs", "/tmp",
            "--bind" if self.writable else "--ro-bind", self.workspace, self.workspace,
            "--chdir", cwd,
            "--unshare-pid",
            "--die-with-parent",
            "--new-session",
        ]  # fmt: skip
        if not self.allow_network:
            argv.append("--unshare-net")
        return [*argv, "--", "bash", "-c", command]

    async def exec(self, command: str, cwd: str, timeout_s: float) -> ExecResult:
        return await run_process(self.argv(command, cwd), cwd, timeout_s)

    async def close(self) -> None:
        return None
