"""Plain subprocess: no isolation, used when bubblewrap is missing or full access is asked."""

from __future__ import annotations

from reins.sandbox.base import ExecResult, run_process


class SubprocessSandbox:
    name = "subprocess"

    def argv(self, command: str, cwd: str) -> list[str]:
        return ["bash", "-c", command]

    async def exec(self, command: str, cwd: str, timeout_s: float) -> ExecResult:
        return await run_process(self.argv(command, cwd), cwd, timeout_s)

    async def close(self) -> None:
        return None
