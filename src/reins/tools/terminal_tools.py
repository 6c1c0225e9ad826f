"""read_terminal and kill_terminal: the model's side of background terminals."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, Field

from reins.tools.base import Tool, ToolContext
from reins.tools.errors import invalid


class TerminalArgs(BaseModel):
    id: str = Field(description="Terminal id returned by run_command(background=true), e.g. 't1'")


def _terminal(ctx: ToolContext, terminal_id: str):
    terminal = ctx.terminals.terminals.get(terminal_id)
    if terminal is None:
        known = ", ".join(ctx.terminals.terminals) or "none"
        raise invalid(f"no terminal {terminal_id!r}; running terminals: {known}")
    return terminal


class ReadTerminal(Tool):
    name = "read_terminal"
    description = "Output of a background terminal since the last read, and whether it still runs."
    Args = TerminalArgs
    read_only = True

    async def run(self, args: TerminalArgs, ctx: ToolContext) -> str:
        terminal = _terminal(ctx, args.id)
        await asyncio.sleep(0)  # let the pump take what is already in the pipe
        output = ctx.terminals.read_new(terminal)
        return f"{terminal.id}: {terminal.status()}\n{output or '(no new output)'}".rstrip()


class KillTerminal(Tool):
    name = "kill_terminal"
    description = "Stop a background terminal and every process it started."
    Args = TerminalArgs
    read_only = False

    async def run(self, args: TerminalArgs, ctx: ToolContext) -> str:
        terminal = _terminal(ctx, args.id)
        await ctx.terminals.kill(terminal)
        tail = ctx.terminals.read_new(terminal)
        return f"{terminal.id}: killed ({terminal.status()})\n{tail}".rstrip()
