"""File tools: read_file, list_dir, glob, write_file."""

from __future__ import annotations

import asyncio
import difflib
import os
import re
from pathlib import Path

from pydantic import BaseModel, Field

from reins.tools.base import Tool, ToolContext
from reins.tools.edits.syntax import SyntaxCheck
from reins.tools.errors import invalid, unexpected
from reins.tools.workspace import Workspace

MAX_READ_LINES = 2000
MAX_READ_BYTES = 100_000
MAX_LINE_CHARS = 2000
MAX_LISTING = 500
SKIP_DIRS = {".git", "__pycache__", "node_modules", ".venv", ".mypy_cache", ".pytest_cache"}


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def atomic_write(target: Path, data: bytes) -> None:
    """Write a sibling temp file then rename: a crash never leaves half a file."""
    tmp = target.with_name(f".{target.name}.reins-tmp")
    try:
        tmp.write_bytes(data)
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# Weak models write "# ... rest of the code unchanged ..." instead of the code: that would
# silently truncate the file. Checked line by line (a multi-line regex over a huge file
# would backtrack quadratically).
PLACEHOLDER = re.compile(
    r"(#|//|/\*|\*|<!--|--|;)?[ \t]*(\.{3}|…)?[ \t]*\(?[ \t]*"
    r"(rest of (the )?(code|file|function|class|module|implementation)|existing code|"
    r"remaining (code|methods|functions)|(code|everything) (above|below)|unchanged( code)?|"
    r"same as (before|above))\b",
    re.IGNORECASE,
)


def _placeholders(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if 3 < len(stripped) < 160 and PLACEHOLDER.match(stripped):
            found.append(stripped)
    return found


def placeholder_lines(new: str, old: str) -> list[str]:
    """Placeholder comments in the new content that the old content did not have."""
    before = set(_placeholders(old))
    return [line for line in _placeholders(new) if line not in before]


def missing_file_error(ws: Workspace, path: str, target: Path):
    """A missing path, with the nearest existing names as a hint."""
    parent = target.parent
    hint = None
    if parent.is_dir():
        names = [p.name for p in parent.iterdir()]
        close = difflib.get_close_matches(target.name, names, n=3, cutoff=0.5)
        if close:
            hint = "did you mean: " + ", ".join(ws.relative(parent / n) for n in close)
    return unexpected(f"{path} does not exist", hint=hint or "use list_dir or glob to find it")


class ReadFileArgs(BaseModel):
    path: str = Field(description="File path, relative to the workspace root")
    start_line: int | None = Field(None, ge=1, description="First line to show (1-based)")
    end_line: int | None = Field(None, ge=1, description="Last line to show (inclusive)")


class ReadFile(Tool):
    name = "read_file"
    description = (
        "Read a text file. Lines are numbered (N| text). Use start_line/end_line for large files."
    )
    Args = ReadFileArgs

    async def run(self, args: ReadFileArgs, ctx: ToolContext) -> str:
        return await asyncio.to_thread(self._read, args, ctx)

    def _read(self, args: ReadFileArgs, ctx: ToolContext) -> str:
        ws = ctx.workspace
        target = ws.resolve(args.path)
        if not target.exists():
            raise missing_file_error(ws, args.path, target)
        if target.is_dir():
            raise invalid(f"{args.path} is a directory", hint="use list_dir for directories")
        with open(target, "rb") as fh:
            data = fh.read(50_000_000)
        if looks_binary(data):
            raise invalid(f"{args.path} is a binary file ({target.stat().st_size} bytes)")
        ctx.tracker.saw(target, data)
        lines = data.decode("utf-8", errors="replace").splitlines()
        total = len(lines)
        start = args.start_line or 1
        end = min(args.end_line or total, total)
        if total == 0:
            return f"{args.path} is empty"
        if start > total:
            raise invalid(f"start_line {start} is past the end of {args.path} ({total} lines)")
        if end < start:
            raise invalid(f"end_line {end} is before start_line {start}")
        out: list[str] = []
        size = 0
        shown_end = start - 1
        for number in range(start, end + 1):
            text = lines[number - 1]
            if len(text) > MAX_LINE_CHARS:
                text = text[:MAX_LINE_CHARS] + " …[line truncated]"
            entry = f"{number}| {text}"
            if len(out) >= MAX_READ_LINES or size + len(entry) > MAX_READ_BYTES:
                break
            out.append(entry)
            size += len(entry) + 1
            shown_end = number
        body = "\n".join(out)
        if shown_end < end or (args.end_line is None and shown_end < total):
            body += (
                f"\n[truncated: showed lines {start}-{shown_end} of {total}; "
                f"call read_file with start_line={shown_end + 1} to continue]"
            )
        return body


class ListDirArgs(BaseModel):
    path: str = Field(".", description="Directory, relative to the workspace root")


class ListDir(Tool):
    name = "list_dir"
    description = "List a directory: subdirectories end with '/', files show their size."
    Args = ListDirArgs

    async def run(self, args: ListDirArgs, ctx: ToolContext) -> str:
        ws = ctx.workspace
        target = ws.resolve(args.path)
        if not target.exists():
            raise missing_file_error(ws, args.path, target)
        if not target.is_dir():
            raise invalid(f"{args.path} is a file", hint="use read_file for files")
        entries = sorted(target.iterdir(), key=lambda p: (not p.is_dir(), p.name))
        lines = []
        for entry in entries[:MAX_LISTING]:
            if entry.is_dir():
                lines.append(entry.name + "/")
            else:
                try:
                    lines.append(f"{entry.name} ({entry.stat().st_size} B)")
                except OSError:
                    lines.append(entry.name + " (unreadable)")
        if len(entries) > MAX_LISTING:
            lines.append(f"[truncated: {len(entries) - MAX_LISTING} more entries]")
        return "\n".join(lines) if lines else f"{args.path} is empty"


class GlobArgs(BaseModel):
    pattern: str = Field(description="Glob pattern relative to the workspace, e.g. 'src/**/*.py'")


class Glob(Tool):
    name = "glob"
    description = "Find files by glob pattern ('**' matches any depth). Returns matching paths."
    Args = GlobArgs

    async def run(self, args: GlobArgs, ctx: ToolContext) -> str:
        return await asyncio.to_thread(self._glob, args.pattern, ctx.workspace)

    def _glob(self, pattern: str, ws: Workspace) -> str:
        if not pattern or os.path.isabs(pattern) or ".." in Path(pattern).parts:
            raise invalid(
                f"pattern {pattern!r} must be relative to the workspace and must not contain '..'"
            )
        matches: list[str] = []
        more = 0
        for path in ws.root.glob(pattern):
            rel = path.relative_to(ws.root)
            if any(part in SKIP_DIRS for part in rel.parts):
                continue
            if len(matches) >= MAX_LISTING:
                more += 1
                continue
            matches.append(str(rel) + ("/" if path.is_dir() else ""))
        matches.sort()
        if not matches:
            return f"no files match {pattern!r}"
        if more:
            matches.append(f"[truncated: {more} more matches; narrow the pattern]")
        return "\n".join(matches)


SHOWN_DROPPED_LINES = 5
MAX_DIFFED_BYTES = 512_000  # beyond these an overwrite is not diffed (difflib is quadratic)
MAX_DIFFED_LINES = 5_000


def dropped_lines_note(old: str, new: str) -> str:
    """Lines the rewrite deleted outright (not rewrote), shown so the model can catch a line
    it dropped by mistake: the way whole-file writes go wrong."""
    if max(len(old), len(new)) > MAX_DIFFED_BYTES:
        return ""
    before, after = old.splitlines(), new.splitlines()
    if max(len(before), len(after)) > MAX_DIFFED_LINES:
        return ""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    dropped = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            replacements = after[j1:j2]
            dropped += [
                (n + 1, before[n])
                for n in range(i1, i2)
                if before[n].strip() and not _rewritten(before[n], replacements)
            ]
    if not dropped:
        return ""
    shown = "\n".join(f"  {n}| {text}" for n, text in dropped[:SHOWN_DROPPED_LINES])
    more = len(dropped) - SHOWN_DROPPED_LINES
    tail = f"\n  … and {more} more" if more > 0 else ""
    return f"\ndeleted {len(dropped)} non-blank line(s) of the old file:\n{shown}{tail}"


def _rewritten(line: str, replacements: list[str]) -> bool:
    line = line.strip()[:200]
    for replacement in replacements[:50]:
        matcher = difflib.SequenceMatcher(None, line, replacement.strip()[:200], autojunk=False)
        if (
            matcher.real_quick_ratio() >= 0.6
            and matcher.quick_ratio() >= 0.6
            and matcher.ratio() >= 0.6
        ):
            return True
    return False


class WriteFileArgs(BaseModel):
    path: str = Field(description="File path, relative to the workspace root")
    content: str = Field(description="The complete new content of the file")


class WriteFile(Tool):
    name = "write_file"
    description = (
        "Create a file or replace its whole content. Parent directories are created. "
        "Write the complete file: placeholders like '# ... rest of the code' are refused."
    )
    Args = WriteFileArgs
    read_only = False

    async def run(self, args: WriteFileArgs, ctx: ToolContext) -> str:
        target = ctx.workspace.resolve(args.path)
        if target.is_dir():
            raise invalid(f"{args.path} is a directory")
        existed = target.exists()
        await ctx.authorize_write(args.path)
        old_lines = 0
        if existed:
            raw = target.read_bytes()
            ctx.tracker.ensure_fresh(target, raw, args.path)
            old = raw.decode("utf-8", errors="replace")
            lazy = placeholder_lines(args.content, old)
            if lazy:
                raise invalid(
                    f"content contains a placeholder instead of code ({lazy[0][:80]!r}); "
                    f"writing it would delete part of {args.path}",
                    hint="write the complete file, or change only part of it with edit_file",
                )
            old_lines = old.count("\n") + (0 if old.endswith("\n") or not old else 1)
            if "\r\n" in old and "\r\n" not in args.content:
                args.content = args.content.replace("\n", "\r\n")  # keep the file's line endings
        target.parent.mkdir(parents=True, exist_ok=True)
        data = args.content.encode("utf-8")
        atomic_write(target, data)
        ctx.tracker.wrote(target, data)
        lines = args.content.count("\n") + (0 if args.content.endswith("\n") else 1)
        if existed:
            summary = f"overwrote {args.path} ({old_lines} → {lines} lines, {len(data)} bytes)"
            broken = SyntaxCheck(args.path, old.splitlines()).broken_by(args.content.splitlines())
            return summary + dropped_lines_note(old, args.content) + broken
        return f"created {args.path} ({lines} lines, {len(data)} bytes)"
