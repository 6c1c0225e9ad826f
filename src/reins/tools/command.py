"""run_command: a shell command in the sandbox, with timeout and capped output."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reins.sandbox.factory import make_sandbox
from reins.sandbox.policy import escalated_mode, looks_sandbox_denied
from reins.tools.access import READ_ALL, WRITE_ALL, Access
from reins.tools.base import Tool, ToolContext, ToolEnv
from reins.tools.errors import ErrorKind, ToolError
from reins.tools.readonly_commands import is_read_only
from reins.tools.terminal_tools import terminals

# Linux refuses a single argument longer than 32 pages (MAX_ARG_STRLEN) with E2BIG.
MAX_COMMAND_BYTES = 131_072 - 1


class RunCommandArgs(BaseModel):
    command: str = Field(description="A bash command line, run from the workspace root")
    timeout_s: float | None = Field(None, gt=0, description="Kill it after this many seconds")
    background: bool = Field(
        False, description="Start it in a background terminal (servers, watchers); returns its id"
    )


class RunCommand(Tool):
    name = "run_command"
    description = (
        "Run a bash command in the workspace (e.g. tests, git, build). Returns the exit code "
        "and output (long output keeps its head and tail). No network by default."
    )
    Args = RunCommandArgs

    def access(self, args: RunCommandArgs, env: ToolEnv) -> Access:
        """A command can change anything, unless it is clearly read-only (`ls`, `git diff`,
        ...; reins.tools.readonly_commands). A background start is never read-only."""
        if not args.background and is_read_only(args.command):
            return READ_ALL
        return WRITE_ALL

    async def run(self, args: RunCommandArgs, ctx: ToolContext) -> str:
        if not args.command.strip():
            raise ToolError(ErrorKind.INVALID_ARGUMENTS, "command is empty")
        if "\x00" in args.command:
            raise ToolError(ErrorKind.INVALID_ARGUMENTS, "command contains a NUL byte")
        size = len(args.command.encode("utf-8", errors="surrogatepass"))
        if size > MAX_COMMAND_BYTES:
            raise ToolError(
                ErrorKind.INVALID_ARGUMENTS,
                f"command is {size} bytes; one argument may be at most {MAX_COMMAND_BYTES}",
                hint="write the script to a file with write_file, then run that file",
            )
        if args.background:
            return await self._background(args, ctx)
        timeout = min(args.timeout_s or ctx.command_timeout_s, ctx.max_command_timeout_s)
        result = await ctx.sandbox.exec(args.command, str(ctx.workspace.root), timeout)
        denied = not result.timed_out and result.exit_code != 0
        if (
            denied
            and getattr(ctx.sandbox, "can_escalate", True)
            and looks_sandbox_denied(result.output)
        ):
            result = await self._escalate(args.command, result, timeout, ctx)
        if result.timed_out:
            raise ToolError(
                ErrorKind.TIMEOUT,
                f"command killed after {timeout:g} s\n{result.output}".rstrip(),
                hint="pass a larger timeout_s, or run something shorter",
            )
        # "(no output)" says so: a bare exit code reads to a small model like a result still
        # to come (seen: a script with no main run 40 times, for the answer it never printed)
        return f"exit code: {result.exit_code}\n{result.output.rstrip() or '(no output)'}"

    async def _escalate(self, command: str, result, timeout: float, ctx: ToolContext):
        """The sandbox blocked the command: offer a looser mode (chat), else explain."""
        looser = escalated_mode(ctx.mode)
        if looser is None:
            return result
        if ctx.approver is None or not await ctx.approver(
            f"re-run `{command}` with {looser} access"
        ):
            result.output += (
                f"\n[reins: this looks blocked by the {ctx.mode} sandbox "
                f"(no network{'' if ctx.mode == 'workspace-write' else ', read-only files'}); "
                "work around it or ask the person to allow it]"
            )
            return result
        passthrough = getattr(ctx.sandbox, "env_passthrough", ())
        looser_sandbox = make_sandbox(str(ctx.workspace.root), looser, True, passthrough)
        return await looser_sandbox.exec(command, str(ctx.workspace.root), timeout)

    async def _background(self, args: RunCommandArgs, ctx: ToolContext) -> str:
        manager = terminals(ctx)
        try:
            terminal = await manager.start(ctx.sandbox, args.command, str(ctx.workspace.root))
        except RuntimeError as error:
            raise ToolError(ErrorKind.INVALID_ARGUMENTS, str(error)) from None
        await manager.wait_for_output(terminal, ctx.background_startup_s)
        first = manager.read_new(terminal)
        return (
            f"started terminal {terminal.id}: {terminal.status()}\n{first}".rstrip()
            + f"\n(read more with read_terminal(id={terminal.id!r}); stop it with kill_terminal)"
        )
