"""Commands in a running container (a task's environment: reins.evals.container).

Each command is `ENGINE exec` into the container, in the same folder the agent's file tools
use: the environment mounts the workspace at its own host path as well as at the image's
working directory. As on the host, what a command leaves running dies when it ends: it
runs in a session of its own (setsid, where the image has it) whose group is killed once
it exits. Killing the exec client on a time-out does not stop anything inside (podman and
docker keep it running), so every command also carries a token in its environment, and
after a time-out or a cancel whatever carries it is killed. Background terminals
(`argv`) are left to run, as on the host.
"""

from __future__ import annotations

import asyncio
import os
import secrets

from reins.sandbox.base import ExecResult, ProcessSandbox, run_process

TOKEN_VARIABLE = "REINS_EXEC"
KILL_TIMEOUT_S = 30.0
# POSIX sh and tr only (busybox images have them): kill every process whose environment
# holds the token; twice, for children forked while the first pass ran.
_KILL_TAGGED = (
    "for pass in 1 2; do for p in /proc/[0-9]*; do "
    'case "$(tr "\\0" "\\n" < "$p/environ" 2>/dev/null)" in '
    '*"$0"*) kill -9 "${p#/proc/}" 2>/dev/null ;; esac; done; done; true'
)


# bash where the image has it (what Harbor's tasks and the agent expect), else its sh.
BASH_OR_SH = [
    "sh", "-c", 'if command -v bash >/dev/null 2>&1; then exec bash "$@"; else exec sh "$@"; fi',
    "sh",
]  # fmt: skip


# Run "$@" as its own session, wait, then kill the session's group: `sleep 300 &` inside
# dies with the command. The command's exit status is kept.
IN_OWN_GROUP = [
    "sh", "-c",
    'if command -v setsid >/dev/null 2>&1; then setsid "$@" & else "$@" & fi; '
    'p=$!; wait $p; s=$?; kill -9 -$p 2>/dev/null; exit $s',
    "sh",
]  # fmt: skip


class ContainerSandbox(ProcessSandbox):
    name = "container"
    can_escalate = False  # the container is the whole environment: nothing looser to offer

    def __init__(self, engine: str, container: str):
        self.engine, self.container = engine, container  # the container's env came with `run`

    def argv_exec(self, argv: list[str], cwd: str) -> list[str]:
        return self._exec_argv(argv, cwd, {})

    def argv(self, command: str, cwd: str) -> list[str]:
        return self.argv_exec([*BASH_OR_SH, "-c", command], cwd)

    def _exec_argv(self, argv: list[str], cwd: str, extra: dict[str, str]) -> list[str]:
        flags = ["-i", "-w", cwd]
        for name, value in extra.items():
            flags += ["-e", f"{name}={value}"]
        return [self.engine, "exec", *flags, self.container, *argv]

    def env(self) -> dict[str, str]:
        # The engine client's own environment (rootless podman needs XDG_RUNTIME_DIR and
        # HOME); nothing of it reaches the container, which has the image's.
        return dict(os.environ)

    async def exec(self, command: str, cwd: str, timeout_s: float) -> ExecResult:
        return await self.run_shell(["-c", command], cwd, timeout_s)

    async def run_shell(self, args: list[str], cwd: str, timeout_s: float,
                        env: dict[str, str] | None = None, clean_up: bool = True) -> ExecResult:  # fmt: skip
        """bash (or sh) with `args` in the container. clean_up: kill what it leaves running
        (off where the whole container is about to be cleared or removed)."""
        token = secrets.token_hex(8)
        wrapped = [*IN_OWN_GROUP, *BASH_OR_SH, *args] if clean_up else [*BASH_OR_SH, *args]
        argv = self._exec_argv(wrapped, cwd, {**(env or {}), TOKEN_VARIABLE: token})
        finished = False
        try:
            result = await run_process(argv, "/", timeout_s, self.env())
            finished = not result.timed_out
            return result
        finally:
            if clean_up and not finished:  # the exec client was killed: chase the command
                await asyncio.shield(self.kill_tagged(f"{TOKEN_VARIABLE}={token}"))

    async def kill_tagged(self, marker: str) -> None:
        argv = [self.engine, "exec", self.container, "sh", "-c", _KILL_TAGGED, marker]
        await run_process(argv, "/", KILL_TIMEOUT_S, self.env())

    async def kill_all(self, then: str = "true") -> ExecResult:
        """Kill every process in the container but its init (what the agent left running),
        then run the shell command `then`."""
        script = f"kill -9 -1 2>/dev/null; {then}"
        argv = [self.engine, "exec", self.container, "sh", "-c", script]
        return await run_process(argv, "/", KILL_TIMEOUT_S, self.env())
