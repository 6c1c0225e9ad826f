"""Background terminals: long-running commands (servers, watchers) the model polls.

Each terminal is a process group started through the sandbox; its output is pumped into
a bounded buffer and read incrementally. Every terminal dies with the session.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from reins.sandbox.base import reap, spawn, stop_group
from reins.sandbox.capture import OutputCapture

MAX_TERMINALS = 8
KEEP_BYTES = 1_000_000


@dataclass
class Terminal:
    id: str
    command: str
    process: asyncio.subprocess.Process
    buffer: bytearray = field(default_factory=bytearray)
    dropped: int = 0  # bytes discarded from the front of the buffer
    read_upto: int = 0  # absolute offset the model has read to
    pump: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def status(self) -> str:
        if self.running:
            return f"running (pid {self.process.pid})"
        return f"exited with code {self.process.returncode}"


class TerminalManager:
    def __init__(self) -> None:
        self.terminals: dict[str, Terminal] = {}
        self._next = 1

    async def start(self, sandbox, command: str, cwd: str) -> Terminal:
        live = [t for t in self.terminals.values() if t.running]
        if len(live) >= MAX_TERMINALS:
            raise RuntimeError(f"{MAX_TERMINALS} terminals are already running; kill one first")
        process = await spawn(sandbox.argv(command, cwd), cwd, sandbox.env())
        terminal = Terminal(f"t{self._next}", command, process)
        self._next += 1
        terminal.pump = asyncio.create_task(self._pump(terminal))
        self.terminals[terminal.id] = terminal
        return terminal

    async def _pump(self, terminal: Terminal) -> None:
        assert terminal.process.stdout is not None
        while chunk := await terminal.process.stdout.read(65536):
            terminal.buffer += chunk
            excess = len(terminal.buffer) - KEEP_BYTES
            if excess > 0:
                del terminal.buffer[:excess]
                terminal.dropped += excess
                await asyncio.sleep(0.05)  # a flood: slow down, let the pipe push back
            else:
                await asyncio.sleep(0)  # never starve the loop
        await terminal.process.wait()

    async def wait_for_output(self, terminal: Terminal, timeout_s: float) -> None:
        """Wait until the terminal prints something or exits (catches instant failures)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while asyncio.get_running_loop().time() < deadline:
            if len(terminal.buffer) + terminal.dropped > terminal.read_upto or not terminal.running:
                await asyncio.sleep(0.05)  # let the first burst of lines arrive together
                return
            await asyncio.sleep(0.02)

    def read_new(self, terminal: Terminal) -> str:
        start = max(terminal.read_upto, terminal.dropped)
        missed = start - terminal.read_upto
        chunk = bytes(terminal.buffer[start - terminal.dropped :])
        terminal.read_upto = terminal.dropped + len(terminal.buffer)
        capture = OutputCapture()
        capture.feed(chunk)
        text = capture.text()
        if missed:
            text = f"[{missed} bytes of older output were discarded]\n{text}"
        return text

    async def kill(self, terminal: Terminal) -> None:
        if terminal.running:
            await stop_group(terminal.process)
        try:  # the pump reads to EOF, which lets wait() return
            await asyncio.wait_for(asyncio.gather(terminal.pump, return_exceptions=True), 5)
        except TimeoutError:
            if terminal.pump:
                terminal.pump.cancel()
            await reap(terminal.process)

    async def close(self) -> None:
        for terminal in list(self.terminals.values()):
            await self.kill(terminal)
