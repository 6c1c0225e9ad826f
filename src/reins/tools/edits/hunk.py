"""A hunk: lines tagged ' ' (context), '-' (removed), '+' (added), plus an optional anchor."""

from __future__ import annotations

from dataclasses import dataclass, field

from reins.tools.edits.matching import Matcher


@dataclass
class Hunk:
    lines: list[tuple[str, str]] = field(default_factory=list)
    anchor: str | None = None  # apply_patch "@@ def foo" : search after this line
    at_eof: bool = False  # apply_patch "*** End of File"

    @property
    def old(self) -> list[str]:
        return [text for tag, text in self.lines if tag != "+"]

    @property
    def new(self) -> list[str]:
        return [text for tag, text in self.lines if tag != "-"]


def split_lines(text: str) -> list[str]:
    """Lines without their endings; a final newline does not make an extra empty line."""
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def hunk_from_strings(old: str, new: str) -> Hunk:
    """edit_file's old/new strings as a typed hunk, by a line diff between them."""
    old_lines, new_lines = split_lines(old), split_lines(new)
    hunk = Hunk()
    matcher = Matcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            hunk.lines += [(" ", t) for t in old_lines[i1:i2]]
        else:
            hunk.lines += [("-", t) for t in old_lines[i1:i2]]
            hunk.lines += [("+", t) for t in new_lines[j1:j2]]
    return hunk
