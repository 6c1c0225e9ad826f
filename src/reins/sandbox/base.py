"""The Sandbox protocol and the process runner both implementations share."""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import dataclass
from typing import Protocol

from reins.sandbox.capture import OutputCapture

# After the command itself exits, how long its output may still arrive before whatever
# it left running in the background (`sleep 300 &`, holding the pipe) is killed.
EXIT_GRACE_S = 0.5
LEADER_GRACE_S = 0.5  # for the group leader to take its tree down before SIGKILL


@dataclass
class ExecResult:
    exit_code: int | None  # None when killed on timeout
    output: str  # head and tail kept; the middle of long output is marked as omitted
    timed_out: bool


class Sandbox(Protocol):
    name: str

    def argv(self, command: str, cwd: str) -> list[str]: ...

    def argv_exec(self, argv: list[str], cwd: str) -> list[str]: ...

    def env(self) -> dict[str, str]: ...

    async def exec(self, command: str, cwd: str, timeout_s: float) -> ExecResult: ...

    async def close(self) -> None: ...


class ProcessSandbox:
    """What both sandboxes share: a command line runs as `bash -c` under `argv_exec`, with
    the allow-listed environment. Subclasses say how a program is wrapped (argv_exec)."""

    name = "process"
    allow_network: bool = False
    env_passthrough: tuple[str, ...] = ()

    def argv_exec(self, argv: list[str], cwd: str) -> list[str]:  # pragma: no cover
        raise NotImplementedError

    def argv(self, command: str, cwd: str) -> list[str]:
        return self.argv_exec(["bash", "-c", command], cwd)

    def env(self) -> dict[str, str]:
        from reins.sandbox.env import command_env

        return command_env(self.env_passthrough, self.allow_network)

    async def exec(self, command: str, cwd: str, timeout_s: float) -> ExecResult:
        return await run_process(self.argv(command, cwd), cwd, timeout_s, self.env())

    async def close(self) -> None:
        return None


async def spawn(
    argv: list[str], cwd: str, env: dict[str, str], stdin: int | None = asyncio.subprocess.DEVNULL
) -> asyncio.subprocess.Process:
    """Start argv in its own process group (so the whole tree can be killed), output piped."""
    return await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        stdin=stdin,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )


async def run_process(
    argv: list[str], cwd: str, timeout_s: float, env: dict[str, str]
) -> ExecResult:
    """Run argv in its own process group; on timeout or cancel kill the whole group. Once
    the command exits, what it left running in the background dies too."""
    proc = await spawn(argv, cwd, env)
    capture = OutputCapture()
    assert proc.stdout is not None

    async def pump() -> None:
        while chunk := await proc.stdout.read(65536):
            capture.feed(chunk)
            # read() returns without yielding while data is buffered: a flood (`yes`)
            # would starve the loop, timeout included.
            await asyncio.sleep(0)

    reading = asyncio.ensure_future(pump())

    async def finish() -> None:
        # proc.wait() only returns once the pipe closes, which a background child holding
        # it would delay forever: watch the exit status itself.
        delay = 0.002
        while not reading.done() and proc.returncode is None:
            await asyncio.wait([reading], timeout=delay)
            delay = min(delay * 2, 0.05)
        if not reading.done():  # exited; give the rest of the output a moment to arrive
            done, _ = await asyncio.wait([reading], timeout=EXIT_GRACE_S)
            if not done:
                await stop_group(proc)
                await asyncio.wait([reading], timeout=EXIT_GRACE_S)
        if reading.done():
            await proc.wait()

    timed_out = False
    try:
        await asyncio.wait_for(finish(), timeout=timeout_s)
    except TimeoutError:
        timed_out = True
        await stop_group(proc)
        await asyncio.wait([reading], timeout=EXIT_GRACE_S)
    except asyncio.CancelledError:
        await asyncio.shield(_stopped_after_cancel(proc, reading))
        raise
    await _stop(proc, reading)
    return ExecResult(
        exit_code=None if timed_out else proc.returncode,
        output=capture.text(),
        timed_out=timed_out,
    )


async def _stopped_after_cancel(proc: asyncio.subprocess.Process, reading) -> None:
    await stop_group(proc)
    await _stop(proc, reading)


async def _stop(proc: asyncio.subprocess.Process, reading: asyncio.Future) -> None:
    """Stop reading and reap the process; a pipe still held by an escaped process (one that
    left the group with setsid) is closed rather than waited on."""
    if not reading.done():
        reading.cancel()
        await asyncio.gather(reading, return_exceptions=True)
    await reap(proc, grace_s=1.0)


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


async def stop_group(proc: asyncio.subprocess.Process, grace_s: float = LEADER_GRACE_S) -> None:
    """Stop a command and everything it started. The group leader (bwrap, or the
    supervisor in full-access mode) gets SIGTERM first: each takes down every process it
    started, even one that left the group with setsid. SIGKILL to the group then ends
    whatever is left, the leader included if it did not go in time."""
    if proc.returncode is None:
        try:
            os.kill(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_s
        while proc.returncode is None and loop.time() < deadline:
            await asyncio.sleep(0.01)
    kill_group(proc)


def kill_group(proc: asyncio.subprocess.Process) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
