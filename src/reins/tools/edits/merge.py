"""Apply a hunk to the file window it was located at, keeping the file's truth.

The window may differ from the hunk's old lines (whitespace, a line the model left out,
a slightly wrong line). Context lines are taken from the file, removed lines are dropped,
added lines are re-indented into the file's style, and file lines the model did not
mention are kept, unless where they go is ambiguous: then we refuse rather than guess.
"""

from __future__ import annotations

import difflib
from collections import defaultdict

from reins.tools.edits.hunk import Hunk

TAB_WIDTH = 4


class MergeRefused(Exception):
    pass


def _norm(line: str) -> str:
    return " ".join(line.split())


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _width(indent: str) -> int:
    return sum(TAB_WIDTH if c == "\t" else 1 for c in indent)


class Reindenter:
    """Maps the model's indentation to the file's, learned from the lines both share."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.table: dict[str, str] = {}
        self.delta = 0
        self.use_tabs = False
        meaningful = [(o, f) for o, f in pairs if o.strip() and f.strip()]
        for old, file in meaningful:
            self.table.setdefault(_indent(old), _indent(file))
        if meaningful:
            old, file = meaningful[0]
            self.delta = _width(_indent(file)) - _width(_indent(old))
            self.use_tabs = _indent(file).startswith("\t")

    def apply(self, line: str) -> str:
        if not line.strip() or not self.table:
            return line
        indent = _indent(line)
        if indent in self.table:
            return self.table[indent] + line[len(indent) :]
        width = max(0, _width(indent) + self.delta)
        rendered = (
            "\t" * (width // TAB_WIDTH) + " " * (width % TAB_WIDTH)
            if self.use_tabs
            else " " * width
        )
        return rendered + line[len(indent) :]


def merge(window: list[str], hunk: Hunk, exact: bool, derived: bool = False) -> list[str]:
    """`derived`: the hunk's tags were re-derived by diffing old/new strings (edit_file), so
    where a change sits among identical lines (blank lines) is uncertain: be stricter."""
    if exact:
        return hunk.new
    old_tags = [tag for tag, _ in hunk.lines if tag != "+"]
    old = hunk.old
    matcher = difflib.SequenceMatcher(
        None, [_norm(t) for t in old], [_norm(t) for t in window], autojunk=False
    )
    mapping: dict[int, int | None] = {}
    extra_before: dict[int, list[str]] = defaultdict(list)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                mapping[i1 + k] = j1 + k
        elif op == "delete":
            for i in range(i1, i2):
                if old_tags[i] == "-":
                    raise MergeRefused(f"line to remove is not in the file: {old[i].strip()!r}")
                mapping[i] = None  # a context line the file does not have: skip it
        elif op == "insert":
            extra_before[i1].extend(window[j1:j2])
        else:
            raise MergeRefused("the block in the file differs too much from old_string")
    pairs = [(old[i], window[j]) for i, j in mapping.items() if j is not None]
    reindent = Reindenter(pairs)
    strip_trailing = all(w == w.rstrip() for w in window) and any(o != o.rstrip() for o in old)
    out: list[str] = []
    oi = 0
    added_since_old = False
    for tag, text in hunk.lines:
        if tag == "+":
            line = reindent.apply(text)
            out.append(line.rstrip() if strip_trailing else line)
            added_since_old = True
            continue
        if extra_before.get(oi):
            if not _can_keep_extra(old_tags, oi, tag, added_since_old, derived, hunk):
                raise MergeRefused(
                    "the file has lines here that old_string does not mention; "
                    "include them so the edit is unambiguous"
                )
            out.extend(extra_before[oi])
        if tag == " " and mapping[oi] is not None:
            out.append(window[mapping[oi]])
        oi += 1
        added_since_old = False
    out.extend(extra_before.get(len(old), []))
    return out


def _can_keep_extra(old_tags, oi, tag, added_since_old, derived, hunk) -> bool:
    """File lines the hunk skipped, just before old line `oi`: keep them only where their
    place is certain, i.e. not next to added lines (they could go before or after them, or
    between two change blocks) and not between two removed lines."""
    previous = old_tags[oi - 1] if oi > 0 else None
    if previous == "-" and tag == "-" and not added_since_old:
        return False  # between two removals: maybe the model meant to remove these too
    if added_since_old:
        return False  # next to added lines: before them, after them, or between two changes?
    if derived and (previous != " " or tag != " " or not _anchored(hunk, oi)):
        return False
    return True


def _anchored(hunk: Hunk, oi: int) -> bool:
    """For hunks re-derived by diffing old/new strings: the two unchanged lines around the
    gap must be distinctive (non-blank, once in old and once in new), else the diff may
    have aligned them differently from what the model meant."""
    old, new = hunk.old, hunk.new
    for index in (oi - 1, oi):
        line = old[index]
        if not line.strip() or old.count(line) != 1 or new.count(line) != 1:
            return False
    return True
