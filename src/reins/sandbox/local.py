"""Plain subprocess: no isolation, used when bubblewrap is missing or full access is asked.

Commands still run under a small supervisor (supervise.py) so the whole process tree
dies with reins, even when reins itself is killed with SIGKILL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reins.sandbox.base import ProcessSandbox

SUPERVISOR = str(Path(__file__).with_name("supervise.py"))


class SubprocessSandbox(ProcessSandbox):
    name = "subprocess"

    def __init__(self, allow_network: bool = True, env_passthrough: tuple[str, ...] = ()):
        self.allow_network = allow_network
        self.env_passthrough = env_passthrough

    def argv_exec(self, argv: list[str], cwd: str) -> list[str]:
        return [sys.executable, "-I", "-S", SUPERVISOR, str(os.getpid()), "--", *argv]
