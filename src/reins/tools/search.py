"""grep: ripgrep with regex, globs, context lines and capped output."""

from __future__ import annotations

import asyncio
import shutil

from pydantic import BaseModel, Field

from reins.tools.access import READ_ALL, Access, paths_access
from reins.tools.base import Tool, ToolContext, ToolEnv
from reins.tools.errors import ErrorKind, ToolError, invalid, unexpected
from reins.tools.workspace import kind_of

MAX_GREP_LINES = 200
MAX_GREP_LINE_CHARS = 300
GREP_TIMEOUT_S = 30.0


class GrepArgs(BaseModel):
    pattern: str = Field(description="Regular expression (Rust regex syntax)")
    path: str | None = Field(None, description="File or directory to search (default: workspace)")
    glob: str | None = Field(None, description="Only search files matching this glob, e.g. '*.py'")
    context: int = Field(0, ge=0, le=10, description="Lines of context around each match")
    ignore_case: bool = Field(False, description="Case-insensitive search")


class Grep(Tool):
    name = "grep"
    description = (
        "Search file contents with a regular expression (ripgrep; respects .gitignore). "
        "Returns path:line:text matches."
    )
    Args = GrepArgs

    def access(self, args: GrepArgs, env: ToolEnv) -> Access:
        return paths_access(env.workspace, "shared", [args.path]) if args.path else READ_ALL

    async def run(self, args: GrepArgs, ctx: ToolContext) -> str:
        if not args.pattern:
            raise invalid("pattern is empty")
        if "\x00" in args.pattern or "\x00" in (args.glob or ""):
            raise invalid("pattern and glob must not contain NUL bytes")
        rg = shutil.which("rg")
        if rg is None:
            raise unexpected("ripgrep (rg) is not installed", hint="use glob and read_file instead")
        ws = ctx.workspace
        target = ws.resolve(args.path) if args.path else ws.root
        if not ws.exists(target):
            raise unexpected(f"{args.path} does not exist", hint="use list_dir or glob to find it")
        kind = kind_of(ws.stat(target).st_mode)
        if kind not in ("file", "directory"):  # ripgrep would block forever on a FIFO
            raise invalid(f"{args.path} is a {kind}, not a file or directory")
        argv = [
            rg, "--line-number", "--no-heading", "--color", "never", "--hidden",
            "--glob", "!.git", f"--max-columns={MAX_GREP_LINE_CHARS}", "--max-columns-preview",
        ]  # fmt: skip
        if args.context:
            argv += ["-C", str(args.context)]
        if args.ignore_case:
            argv.append("-i")
        if args.glob:
            argv += ["--glob", args.glob]
        argv += ["-e", args.pattern]
        if target != ws.root:  # searching "." would print every path as ./path
            argv += ["--", ws.relative(target)]
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=ws.root,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            stdin=asyncio.subprocess.DEVNULL,
        )
        try:
            stdout, stderr = await asyncio.wait_for(proc.communicate(), GREP_TIMEOUT_S)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise ToolError(
                ErrorKind.TIMEOUT,
                f"grep ran past {GREP_TIMEOUT_S:.0f} s",
                hint="narrow it with path or glob",
            ) from None
        except asyncio.CancelledError:
            proc.kill()
            raise
        if proc.returncode == 1:
            return f"no matches for {args.pattern!r}"
        if proc.returncode not in (0, 1):
            message = stderr.decode("utf-8", errors="replace").strip()
            if "regex parse error" in message or "error parsing" in message:
                raise invalid(f"invalid regex: {message[-500:]}", hint="escape special characters")
            raise unexpected(f"ripgrep failed: {message[-500:]}")
        lines = stdout.decode("utf-8", errors="replace").splitlines()
        if len(lines) > MAX_GREP_LINES:
            kept = lines[:MAX_GREP_LINES]
            kept.append(
                f"[truncated: {len(lines) - MAX_GREP_LINES} more lines; narrow with path or glob]"
            )
            lines = kept
        return "\n".join(lines)
