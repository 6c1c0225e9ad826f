"""read_terminal and kill_terminal: the model's side of background terminals."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, Field

from reins.tools.access import Access
from reins.tools.base import Tool, ToolContext, ToolEnv
from reins.tools.context import TERMINALS
from reins.tools.errors import invalid
from reins.tools.terminal_manager import TerminalManager


class TerminalArgs(BaseModel):
    id: str = Field(description="Terminal id returned by run_command(background=true), e.g. 't1'")


def terminal_key(terminal_id: str) -> str:
    return f"terminal:{terminal_id}"


def terminals(ctx: ToolContext) -> TerminalManager:
    """The session's background terminals (created with the first one)."""
    return ctx.resources.get(TERMINALS, TerminalManager)


def _terminal(ctx: ToolContext, terminal_id: str):
    manager = terminals(ctx)
    terminal = manager.terminals.get(terminal_id)
    if terminal is None:
        known = ", ".join(manager.terminals) or "none"
        raise invalid(f"no terminal {terminal_id!r}; running terminals: {known}")
    return terminal


class ReadTerminal(Tool):
    name = "read_terminal"
    description = "Output of a background terminal since the last read, and whether it still runs."
    Args = TerminalArgs

    def access(self, args: TerminalArgs, env: ToolEnv) -> Access:
        return Access.shared([terminal_key(args.id)])

    async def run(self, args: TerminalArgs, ctx: ToolContext) -> str:
        terminal = _terminal(ctx, args.id)
        await asyncio.sleep(0)  # let the pump take what is already in the pipe
        output = terminals(ctx).read_new(terminal)
        return f"{terminal.id}: {terminal.status()}\n{output or '(no new output)'}".rstrip()


class KillTerminal(Tool):
    name = "kill_terminal"
    description = "Stop a background terminal and every process it started."
    Args = TerminalArgs

    def access(self, args: TerminalArgs, env: ToolEnv) -> Access:
        return Access.exclusive([terminal_key(args.id)])

    async def run(self, args: TerminalArgs, ctx: ToolContext) -> str:
        terminal = _terminal(ctx, args.id)
        manager = terminals(ctx)
        await manager.kill(terminal)
        tail = manager.read_new(terminal)
        return f"{terminal.id}: killed ({terminal.status()})\n{tail}".rstrip()
