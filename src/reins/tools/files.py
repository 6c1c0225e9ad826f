"""File tools: read_file, list_dir, glob, write_file. Every path goes through the workspace's
descriptor-based operations (reins.tools.workspace); the bodies run off the event loop."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import BaseModel, Field

from reins.tools.access import Access, path_key, paths_access
from reins.tools.base import Tool, ToolContext, ToolEnv
from reins.tools.diffs import unified_diff
from reins.tools.edits.syntax import SyntaxCheck
from reins.tools.errors import ToolError, invalid, unexpected
from reins.tools.offload import off_loop
from reins.tools.workspace import Entry, Workspace

MAX_READ_LINES = 2000
MAX_LINE_CHARS = 2000
MAX_FILE_BYTES = 50_000_000  # read_file reads at most this much of a file
MAX_LISTING = 500
MAX_GLOB_SCANNED = 200_000  # directory entries glob looks at before it gives up
SKIP_DIRS = {".git", "__pycache__", "node_modules", ".venv", ".mypy_cache", ".pytest_cache"}


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def atomic_write(ws: Workspace, path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a sibling temp file then rename, through the workspace's descriptors: a crash
    never leaves half a file, and no symlink swapped in on the way is followed out."""
    return ws.write_bytes(path, data)


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


def missing_file_error(ws: Workspace, path: str, target: Path | None = None) -> ToolError:
    """A missing path, with the nearest existing names as a hint."""
    hint = None
    try:
        target = target or ws.resolve(path)
        parent = target.parent
        names = [entry.name for entry in ws.listdir(parent, detail_limit=0)]
    except (OSError, ToolError):
        names = []
    close = difflib.get_close_matches(target.name, names, n=3, cutoff=0.5) if names else []
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

    def access(self, args: ReadFileArgs, env: ToolEnv) -> Access:
        return paths_access(env.workspace, "shared", [args.path])

    async def run(self, args: ReadFileArgs, ctx: ToolContext) -> str:
        return await off_loop(self._read, args, ctx)

    def _read(self, args: ReadFileArgs, ctx: ToolContext) -> str:
        ws = ctx.workspace
        try:
            got = ws.read(args.path, limit=MAX_FILE_BYTES)
        except (FileNotFoundError, NotADirectoryError):
            raise missing_file_error(ws, args.path) from None
        except IsADirectoryError:
            raise invalid(
                f"{args.path} is a directory", hint="use list_dir for directories"
            ) from None
        data = got.data
        if looks_binary(data):
            raise invalid(f"{args.path} is a binary file ({got.size} bytes)")
        ctx.tracker.saw(got.path, data)
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
            if len(out) >= MAX_READ_LINES or size + len(entry) > ctx.read_limit_bytes:
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


def listing_line(entry: Entry) -> str:
    if entry.kind == "directory":
        return entry.name + "/"
    if entry.kind == "file":
        return f"{entry.name} ({entry.size} B)"
    if entry.kind != "symlink":
        return f"{entry.name} ({entry.kind})"
    if entry.link_kind == "outside":
        return f"{entry.name} -> (symlink leaving the workspace; not followed)"
    if entry.link_kind in ("missing", "loop", None):
        return f"{entry.name} -> (broken symlink)"
    if entry.link_kind == "directory":
        return f"{entry.name}/ -> {entry.link}/"
    size = f" ({entry.size} B)" if entry.size is not None else f" ({entry.link_kind})"
    return f"{entry.name} -> {entry.link}{size}"


class ListDir(Tool):
    name = "list_dir"
    description = "List a directory: subdirectories end with '/', files show their size."
    Args = ListDirArgs

    def access(self, args: ListDirArgs, env: ToolEnv) -> Access:
        return paths_access(env.workspace, "shared", [args.path])

    async def run(self, args: ListDirArgs, ctx: ToolContext) -> str:
        return await off_loop(self._list, args, ctx)

    def _list(self, args: ListDirArgs, ctx: ToolContext) -> str:
        ws = ctx.workspace
        try:
            entries = ws.listdir(args.path, detail_limit=MAX_LISTING)
        except FileNotFoundError:
            raise missing_file_error(ws, args.path) from None
        except NotADirectoryError:
            raise invalid(f"{args.path} is a file", hint="use read_file for files") from None
        lines = [listing_line(entry) for entry in entries[:MAX_LISTING]]
        if len(entries) > MAX_LISTING:
            lines.append(f"[truncated: {len(entries) - MAX_LISTING} more entries]")
        return "\n".join(lines) if lines else f"{args.path} is empty"


class GlobArgs(BaseModel):
    pattern: str = Field(description="Glob pattern relative to the workspace, e.g. 'src/**/*.py'")


@dataclass
class GlobResult:
    matches: list[str]
    more: int = 0  # matches past MAX_LISTING
    stopped: bool = False  # gave up after MAX_GLOB_SCANNED entries


def glob_workspace(ws: Workspace, pattern: str) -> GlobResult:
    """pathlib's glob semantics ('**' any number of directories, '*' any name, dotfiles
    included; a pattern ending in '**' or '/' matches directories), walked through the
    workspace's descriptors: SKIP_DIRS pruned on the way down, symlinked directories never
    entered, a symlink listed only when it leads somewhere inside the workspace."""
    parts = [p for p in pattern.split("/") if p not in ("", ".")]
    dirs_only = pattern.endswith("/")
    n = len(parts)

    def closure(states: set[int]) -> frozenset[int]:
        todo, out = list(states), set(states)
        while todo:
            p = todo.pop()
            if p < n and parts[p] == "**" and p + 1 not in out:
                out.add(p + 1)
                todo.append(p + 1)
        return frozenset(out)

    def step(states: frozenset[int], name: str, is_dir: bool) -> frozenset[int]:
        nxt = set()
        for p in states:
            if p >= n:
                continue
            if parts[p] == "**":
                if is_dir:
                    nxt.add(p)
            elif fnmatchcase(name, parts[p]):
                nxt.add(p + 1)
        return closure(nxt)

    result = GlobResult([])
    live: dict[tuple[str, ...], frozenset[int]] = {(): closure({0})}
    scanned = 0
    walker = ws.walk(".")
    try:
        for rel, dirs, others in walker:
            here = live.pop(rel, frozenset())
            keep = []
            entries = [(name, "directory") for name in dirs] + others
            for name, kind in entries:
                scanned += 1
                if name in SKIP_DIRS:
                    continue
                is_dir = kind == "directory"
                nxt = step(here, name, is_dir)
                if not nxt:
                    continue
                if n in nxt and (is_dir or not dirs_only):
                    shown = "/".join((*rel, name))
                    if kind == "symlink" and not _leads_inside(ws, ws.root / shown):
                        pass
                    elif len(result.matches) >= MAX_LISTING:
                        result.more += 1
                    else:
                        result.matches.append(shown + ("/" if is_dir else ""))
                if is_dir and any(p < n for p in nxt):
                    live[(*rel, name)] = nxt
                    keep.append(name)
            dirs[:] = keep
            if scanned >= MAX_GLOB_SCANNED:
                result.stopped = True
                break
    finally:
        walker.close()
    result.matches.sort()
    return result


def _leads_inside(ws: Workspace, path: Path) -> bool:
    try:
        ws.resolve(path)
    except (ToolError, OSError):
        return False
    return True


class Glob(Tool):
    name = "glob"
    description = "Find files by glob pattern ('**' matches any depth). Returns matching paths."
    Args = GlobArgs

    def access(self, args: GlobArgs, env: ToolEnv) -> Access:
        """Reads below the pattern's literal leading directories ('src/**/*.py': src)."""
        literal = []
        for part in args.pattern.split("/"):
            if part in ("", "."):
                continue
            if part == ".." or any(c in part for c in "*?["):
                break
            literal.append(part)
        if os.path.isabs(args.pattern) or not literal:
            return Access.shared()
        key = path_key(env.workspace, "/".join(literal))
        return Access.shared(None if key is None else [key])

    async def run(self, args: GlobArgs, ctx: ToolContext) -> str:
        return await off_loop(self._glob, args.pattern, ctx.workspace)

    def _glob(self, pattern: str, ws: Workspace) -> str:
        parts = [p for p in pattern.split("/") if p not in ("", ".")] if pattern else []
        if not pattern or os.path.isabs(pattern) or ".." in parts or not parts:
            raise invalid(
                f"pattern {pattern!r} must be relative to the workspace and must not contain '..'"
            )
        found = glob_workspace(ws, pattern)
        if not found.matches:
            return f"no files match {pattern!r}" + (
                f" (stopped after looking at {MAX_GLOB_SCANNED} entries; narrow the pattern)"
                if found.stopped
                else ""
            )
        lines = list(found.matches)
        if found.more:
            lines.append(f"[truncated: {found.more} more matches; narrow the pattern]")
        if found.stopped:
            lines.append(
                f"[stopped after looking at {MAX_GLOB_SCANNED} entries; narrow the pattern]"
            )
        return "\n".join(lines)


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


NO_CHANGE = "no change:"
EDIT_TOOLS = ("write_file", "edit_file", "apply_patch")  # the tools that change files


class WriteFileArgs(BaseModel):
    path: str = Field(description="File path, relative to the workspace root")
    content: str = Field(description="The complete new content of the file")


@dataclass
class _WritePlan:
    content: str
    old: str | None  # the file's content before, None if it is new
    old_lines: int = 0
    unnumbered: bool = False  # read_file's line numbers were taken off the content


NUMBERED_LINE = re.compile(r"(\d+)\| ?(.*)")
FIRST_NUMBERED = re.compile(r"0*1\|")  # how a numbered copy's first line starts


def without_line_numbers(content: str) -> str | None:
    """`content` without read_file's "N| " prefixes, when every line of it has one and
    they count up from 1 (seen twice in one suite: a small model wrote a file it had read
    back as it was shown, numbers and all); None when it is not such a copy."""
    if not FIRST_NUMBERED.match(content):  # the usual case, without splitting a large file
        return None
    lines = content.splitlines(keepends=True)
    if len(lines) < 2:
        return None
    texts = []
    for number, line in enumerate(lines, 1):
        body = line.rstrip("\r\n")
        match = NUMBERED_LINE.fullmatch(body)
        if match is None or int(match.group(1)) != number:
            return None
        texts.append(match.group(2) + line[len(body) :])  # the line's own ending kept
    return "".join(texts)


class WriteFile(Tool):
    name = "write_file"
    description = (
        "Create a file or replace its whole content. Parent directories are created. "
        "Write the complete file: placeholders like '# ... rest of the code' are refused."
    )
    Args = WriteFileArgs

    def access(self, args: WriteFileArgs, env: ToolEnv) -> Access:
        return paths_access(env.workspace, "exclusive", [args.path])

    async def run(self, args: WriteFileArgs, ctx: ToolContext) -> str:
        plan = await off_loop(self._prepare, args, ctx)
        await ctx.authorize_write(
            args.path, lambda: unified_diff(args.path, plan.old, plan.content)
        )
        return await off_loop(self._write, args, plan, ctx)

    def _prepare(self, args: WriteFileArgs, ctx: ToolContext) -> _WritePlan:
        ws = ctx.workspace
        ws.check_writable(args.path)
        content = args.content
        bare = without_line_numbers(content)
        try:
            current = ws.read(args.path)
        except (FileNotFoundError, NotADirectoryError):
            return _WritePlan(bare, None, unnumbered=True) if bare else _WritePlan(content, None)
        except IsADirectoryError:
            raise invalid(f"{args.path} is a directory") from None
        ctx.tracker.ensure_fresh(current.path, current.data, args.path)
        old = current.data.decode("utf-8", errors="replace")
        unnumbered = bare is not None and without_line_numbers(old) is None  # not the file's own
        if bare is not None and unnumbered:
            content = bare
        if content != old:  # the same content loses nothing: "no change" says so
            ctx.tracker.ensure_known(
                current.path, current.data, args.path, binary=looks_binary(current.data)
            )
        lazy = placeholder_lines(content, old)
        if lazy:
            raise invalid(
                f"content contains a placeholder instead of code ({lazy[0][:80]!r}); "
                f"writing it would delete part of {args.path}",
                hint="write the complete file, or change only part of it with edit_file",
            )
        old_lines = old.count("\n") + (0 if old.endswith("\n") or not old else 1)
        if "\r\n" in old and "\r\n" not in content:
            content = content.replace("\n", "\r\n")  # keep the file's line endings
        return _WritePlan(content, old, old_lines, unnumbered)

    def _write(self, args: WriteFileArgs, plan: _WritePlan, ctx: ToolContext) -> str:
        said = (
            "\n(took read_file's line numbers, 'N| ', off the start of each line: they are "
            "not part of the file)" if plan.unnumbered else ""
        )  # fmt: skip
        return self._written(args, plan, ctx) + said

    def _written(self, args: WriteFileArgs, plan: _WritePlan, ctx: ToolContext) -> str:
        if plan.old is not None and plan.old == plan.content:  # say so: models re-write in loops
            return f"{NO_CHANGE} {args.path} already has exactly this content"
        data = plan.content.encode("utf-8")
        target = atomic_write(ctx.workspace, args.path, data)
        ctx.tracker.wrote(target, data)
        lines = plan.content.count("\n") + (0 if plan.content.endswith("\n") else 1)
        if plan.old is not None:
            old = plan.old
            summary = f"overwrote {args.path} ({plan.old_lines} → {lines} lines, {len(data)} bytes)"
            broken = SyntaxCheck(args.path, old.splitlines()).broken_by(plan.content.splitlines())
            return summary + dropped_lines_note(old, plan.content) + broken
        return f"created {args.path} ({lines} lines, {len(data)} bytes)"
