"""edit_file: exact string replacement, unique unless replace_all, with 'closest match' hints."""

from __future__ import annotations

import difflib
import os

from pydantic import BaseModel, Field

from reins.tools.base import Tool, ToolContext
from reins.tools.errors import invalid
from reins.tools.files import looks_binary, missing_file_error


class EditFileArgs(BaseModel):
    path: str = Field(description="File path, relative to the workspace root")
    old_string: str = Field(description="Exact text to replace, including indentation")
    new_string: str = Field(description="Replacement text")
    replace_all: bool = Field(False, description="Replace every occurrence instead of exactly one")


def closest_candidates(text: str, needle: str, limit: int = 2) -> list[tuple[int, str]]:
    """The windows of `text` most similar to `needle`, as (first line number, window)."""
    lines = text.splitlines()
    width = max(1, len(needle.splitlines()))
    needle_norm = " ".join(needle.split())
    scored: list[tuple[float, int, str]] = []
    for start in range(0, max(1, len(lines) - width + 1)):
        window = "\n".join(lines[start : start + width])
        matcher = difflib.SequenceMatcher(
            None, needle_norm, " ".join(window.split()), autojunk=False
        )
        if matcher.real_quick_ratio() < 0.3:
            continue
        scored.append((matcher.ratio(), start + 1, window))
    scored.sort(key=lambda item: -item[0])
    return [(line, window) for ratio, line, window in scored[:limit] if ratio >= 0.4]


SHOW_WHOLE_FILE_LINES = 120


def not_found_message(path: str, text: str, needle: str) -> str:
    """Closest candidates; for a small file, the whole file (the model often never read it)."""
    message = f"old_string was not found in {path}."
    lines = text.splitlines()
    if len(lines) <= SHOW_WHOLE_FILE_LINES:
        numbered = "\n".join(f"{i}| {line}" for i, line in enumerate(lines, 1))
        return f"{message} The file currently reads:\n{numbered}"
    candidates = closest_candidates(text, needle)
    if candidates:
        return f"{message} Closest match:\n{format_candidates(candidates)}"
    return f"{message} Nothing similar was found; read the file to find the right text."


def format_candidates(candidates: list[tuple[int, str]]) -> str:
    blocks = []
    for line, window in candidates:
        numbered = "\n".join(f"{line + i}| {t}" for i, t in enumerate(window.splitlines()))
        blocks.append(numbered)
    return "\n---\n".join(blocks)


class EditFile(Tool):
    name = "edit_file"
    description = (
        "Replace old_string with new_string in a file. old_string must match the file exactly "
        "(whitespace included) and be unique, unless replace_all is true. Read the file first."
    )
    Args = EditFileArgs
    read_only = False

    async def run(self, args: EditFileArgs, ctx: ToolContext) -> str:
        target = ctx.workspace.resolve(args.path)
        if not target.exists():
            raise missing_file_error(ctx.workspace, args.path, target)
        if target.is_dir():
            raise invalid(f"{args.path} is a directory")
        if args.old_string == "":
            raise invalid("old_string is empty", hint="use write_file to create or replace a file")
        if args.old_string == args.new_string:
            raise invalid("old_string and new_string are identical; nothing would change")
        raw = target.read_bytes()
        if looks_binary(raw):
            raise invalid(f"{args.path} is a binary file")
        text = raw.decode("utf-8", errors="surrogateescape")
        count = text.count(args.old_string)
        if count == 0:
            raise invalid(
                not_found_message(args.path, text, args.old_string),
                hint="copy old_string exactly from the lines above, without the 'N| ' prefix",
            )
        if count > 1 and not args.replace_all:
            lines = [text.count("\n", 0, i) + 1 for i in _find_all(text, args.old_string)]
            raise invalid(
                f"old_string occurs {count} times in {args.path} (lines {', '.join(map(str, lines[:10]))})",
                hint="add surrounding lines to make it unique, or set replace_all=true",
            )
        new_text = text.replace(args.old_string, args.new_string)
        tmp = target.with_name(f".{target.name}.reins-tmp")
        tmp.write_bytes(new_text.encode("utf-8", errors="surrogateescape"))
        os.replace(tmp, target)
        first = text.count("\n", 0, text.index(args.old_string)) + 1
        where = f"{count} occurrences" if count > 1 else f"line {first}"
        return f"edited {args.path}: replaced {where}"


def _find_all(text: str, needle: str) -> list[int]:
    found, start = [], 0
    while (index := text.find(needle, start)) != -1:
        found.append(index)
        start = index + len(needle)
    return found
