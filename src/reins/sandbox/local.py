"""Plain subprocess: no isolation, used when bubblewrap is missing or full access is asked.

Commands still run under a small supervisor (supervise.py) so the whole process tree
dies with reins, even when reins itself is killed with SIGKILL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reins.sandbox.base import ExecResult, run_process
from reins.sandbox.env import command_env

SUPERVISOR = str(Path(__file__).with_name("supervise.py"))


class SubprocessSandbox:
    name = "subprocess"

    def __init__(self, allow_network: bool = True, env_passthrough: tuple[str, ...] = ()):
        self.allow_network = allow_network
        self.env_passthrough = env_passthrough

    def argv(self, command: str, cwd: str) -> list[str]:
        return self.argv_exec(["bash", "-c", command], cwd)

    def argv_exec(self, argv: list[str], cwd: str) -> list[str]:
        return [sys.executable, "-I", "-S", SUPERVISOR, str(os.getpid()), "--", *argv]

    def env(self) -> dict[str, str]:
        return command_env(self.env_passthrough, self.allow_network)

    async def exec(self, command: str, cwd: str, timeout_s: float) -> ExecResult:
        return await run_process(self.argv(command, cwd), cwd, timeout_s, self.env())

    async def close(self) -> None:
        return None
