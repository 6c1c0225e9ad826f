"""run_command: a shell command in the sandbox, with timeout and capped output."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reins.tools.base import Tool, ToolContext
from reins.tools.errors import ErrorKind, ToolError

MAX_TIMEOUT_S = 1800.0


class RunCommandArgs(BaseModel):
    command: str = Field(description="A bash command line, run from the workspace root")
    timeout_s: float | None = Field(None, gt=0, description="Kill it after this many seconds")


class RunCommand(Tool):
    name = "run_command"
    description = (
        "Run a bash command in the workspace (e.g. tests, git, build). Returns the exit code "
        "and output (long output keeps its head and tail). No network by default."
    )
    Args = RunCommandArgs
    read_only = False

    def paths(self, args: RunCommandArgs) -> list[str]:
        return []

    async def run(self, args: RunCommandArgs, ctx: ToolContext) -> str:
        if not args.command.strip():
            raise ToolError(ErrorKind.INVALID_ARGUMENTS, "command is empty")
        timeout = min(args.timeout_s or ctx.command_timeout_s, MAX_TIMEOUT_S)
        result = await ctx.sandbox.exec(args.command, str(ctx.workspace.root), timeout)
        if result.timed_out:
            raise ToolError(
                ErrorKind.TIMEOUT,
                f"command killed after {timeout:g} s\n{result.output}".rstrip(),
                hint="pass a larger timeout_s, or run something shorter",
            )
        return f"exit code: {result.exit_code}\n{result.output}".rstrip()
