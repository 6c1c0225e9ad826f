"""The Sandbox protocol and the process runner both implementations share."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from dataclasses import dataclass
from typing import Protocol

from reins.sandbox.capture import OutputCapture

# Secrets stay out of commands the model writes (same idea as Codex's env policy).
SECRET_ENV = re.compile(r"(KEY|SECRET|TOKEN|PASSWORD)", re.IGNORECASE)


@dataclass
class ExecResult:
    exit_code: int | None  # None when killed on timeout
    output: str  # head and tail kept; the middle of long output is marked as omitted
    timed_out: bool


class Sandbox(Protocol):
    name: str

    def argv(self, command: str, cwd: str) -> list[str]: ...

    async def exec(self, command: str, cwd: str, timeout_s: float) -> ExecResult: ...

    async def close(self) -> None: ...


def command_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not SECRET_ENV.search(k)}
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    env["PAGER"] = "cat"
    env["GIT_PAGER"] = "cat"
    return env


async def spawn(argv: list[str], cwd: str) -> asyncio.subprocess.Process:
    """Start argv in its own process group (so the whole tree can be killed), output piped."""
    return await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=command_env(),
        start_new_session=True,
    )


async def run_process(argv: list[str], cwd: str, timeout_s: float) -> ExecResult:
    """Run argv in its own process group; on timeout or cancel kill the whole group."""
    proc = await spawn(argv, cwd)
    capture = OutputCapture()
    assert proc.stdout is not None

    async def pump() -> None:
        while chunk := await proc.stdout.read(65536):
            capture.feed(chunk)
            # read() returns without yielding while data is buffered: a flood (`yes`)
            # would starve the loop, timeout included.
            await asyncio.sleep(0)
        await proc.wait()

    timed_out = False
    try:
        await asyncio.wait_for(pump(), timeout=timeout_s)
    except TimeoutError:
        timed_out = True
        kill_group(proc)
        await reap(proc)
    except asyncio.CancelledError:
        kill_group(proc)
        await asyncio.shield(reap(proc))
        raise
    return ExecResult(
        exit_code=None if timed_out else proc.returncode,
        output=capture.text(),
        timed_out=timed_out,
    )


async def reap(proc: asyncio.subprocess.Process, grace_s: float = 5.0) -> None:
    """Wait for a killed process. asyncio's wait() returns only once the output pipe is
    disconnected, and a full, unread pipe never reports EOF: drain it, and if something
    still holds it open after the grace period, close the transport."""

    async def drain() -> None:
        if proc.stdout is not None:
            while await proc.stdout.read(65536):
                await asyncio.sleep(0)
        await proc.wait()

    try:
        await asyncio.wait_for(drain(), grace_s)
    except TimeoutError:
        transport = getattr(proc, "_transport", None)
        if transport is not None:
            transport.close()  # kills what is left and closes the pipes
        await asyncio.wait_for(proc.wait(), grace_s)


def kill_group(proc: asyncio.subprocess.Process) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
