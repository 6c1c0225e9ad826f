"""The edit engine: apply hunks or string replacements to a file's text, or refuse clearly.

Every edit has a time limit (budget.py): `replace_string(..., deadline_s=1.5)` and
`apply_hunk(..., deadline_s=1.5)` give up after deadline_s seconds with an EditFailure
that says so (never a partial or guessed edit); `deadline_s=None` leaves only an enclosing
`with edit_deadline(seconds):`, which is how to limit all the hunks of one file together:

    with edit_deadline(1.5):
        for hunk in op.hunks:
            lines, position, strategy = apply_hunk(lines, hunk, position, ...)

Nested limits never extend each other: the earliest deadline wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from reins.tools.edits.budget import DEFAULT_DEADLINE_S, OutOfTime, check, edit_deadline
from reins.tools.edits.hunk import Hunk, hunk_from_strings, split_lines
from reins.tools.edits.locate import locate
from reins.tools.edits.merge import TAB_WIDTH, MergeRefused, merge
from reins.tools.edits.syntax import SyntaxCheck

SHOW_WHOLE_FILE_LINES = 120
MIN_APPLIED_CHARS = 12  # a shorter new_string may stand in the file by chance


class EditFailure(Exception):
    """An edit that cannot be applied safely; the message is for the model."""


@dataclass
class FileText:
    """A file's lines with its newline style remembered, so edits keep CRLF and final newline."""

    lines: list[str]
    crlf: bool
    final_newline: bool

    @classmethod
    def parse(cls, text: str) -> FileText:
        crlf = "\r\n" in text
        normal = text.replace("\r\n", "\n")
        return cls(split_lines(normal), crlf, normal.endswith("\n") or normal == "")

    def render(self) -> str:
        text = "\n".join(self.lines) + ("\n" if self.final_newline and self.lines else "")
        return text.replace("\n", "\r\n") if self.crlf else text


def numbered(lines: list[str], first: int, last: int) -> str:
    first, last = max(1, first), min(len(lines), last)
    return "\n".join(f"{n}| {lines[n - 1]}" for n in range(first, last + 1))


def out_of_time(what: str) -> EditFailure:
    return EditFailure(
        f"{what} could not be matched approximately within the time limit (the file was not "
        "changed); copy the lines exactly from read_file, or edit a smaller block"
    )


def not_found(lines: list[str], old: list[str], what: str) -> EditFailure:
    from reins.tools.edits.candidates import closest_candidates_within

    message = f"{what} was not found."
    if len(lines) <= SHOW_WHOLE_FILE_LINES:
        return EditFailure(f"{message} The file currently reads:\n{numbered(lines, 1, len(lines))}")
    found, complete = closest_candidates_within(lines, old)
    if found:
        blocks = "\n---\n".join(numbered(lines, s + 1, e) for s, e in found)
        return EditFailure(f"{message} Closest match:\n{blocks}")
    if not complete:
        return EditFailure(
            f"{message} No close match could be shown within the time limit; read the file "
            "to find the right text."
        )
    return EditFailure(
        f"{message} Nothing similar was found; read the file to find the right text."
    )


def already_applied(lines: list[str], old: str, new: str) -> int | None:
    """The line where `new` already stands when `old` is nowhere in the file, even with
    its spacing changed: the model is sending an edit it made before. None otherwise (a
    short or blank `new` says too little to tell)."""
    key = [_spacing(t) for t in split_lines(new.strip("\n"))]
    if sum(len(t) for t in key) < MIN_APPLIED_CHARS:
        return None
    normed = [_spacing(t) for t in lines]
    if _find_block(normed, [_spacing(t) for t in split_lines(old.strip("\n"))]) is not None:
        return None
    at = _find_block(normed, key)
    return None if at is None else at + 1


def made_again(text: str, old: str, new: str) -> int | None:
    """The line of the first `new` when `new` contains `old` and every `old` in `text`
    is part of a `new`: replacing `old` would make the edit a second time over its own
    result (`total` -> `total + 10` -> `total + 10 + 10`). None otherwise."""
    if old not in new or not (news := _offsets(text, new)):
        return None
    inside = {n + k for n in news for k in _offsets(new, old)}
    if not set(_offsets(text, old)) <= inside:
        return None
    return text.count("\n", 0, news[0]) + 1


def occurrence_lines(text: str, part: str) -> list[int]:
    """The line each occurrence of `part` in `text` starts on, as str.replace finds them."""
    lines, at = [], text.find(part)
    while at != -1:
        lines.append(text.count("\n", 0, at) + 1)
        at = text.find(part, at + len(part))
    return lines


def _offsets(text: str, part: str) -> list[int]:
    found, at = [], text.find(part)
    while at != -1:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def _spacing(line: str) -> str:
    return " ".join(line.split())


def _find_block(lines: list[str], block: list[str]) -> int | None:
    """Where `block` first stands as whole lines of `lines` (the first and last of its
    lines may be parts of a line, as a string edit's often are)."""
    n = len(block)
    for i in range(len(lines) - n + 1):
        check()
        if n == 1:
            if block[0] in lines[i]:
                return i
            continue
        if (lines[i].endswith(block[0]) and lines[i + 1 : i + n - 1] == block[1:-1]
                and lines[i + n - 1].startswith(block[-1])):  # fmt: skip
            return i
    return None


def _find_anchor(lines: list[str], anchor: str, start: int) -> int:
    key = " ".join(anchor.split())
    for i in range(start, len(lines)):
        if key and key in " ".join(lines[i].split()):
            return i
    raise EditFailure(f"@@ anchor {anchor.strip()!r} was not found")


def apply_hunk(
    lines: list[str],
    hunk: Hunk,
    start: int = 0,
    what: str = "the hunk",
    derived: bool = False,
    syntax: SyntaxCheck | None = None,
    deadline_s: float | None = DEFAULT_DEADLINE_S,
) -> tuple[list[str], int, str]:
    """Returns (new lines, index just after the edit, matcher used). `syntax` settles an
    edit that could mean more than one thing, when only one meaning leaves the file parsing.
    Raises EditFailure when the edit cannot be applied safely, or not within deadline_s
    seconds (None: only an enclosing edit_deadline limits it)."""
    try:
        with edit_deadline(deadline_s):
            return _apply_hunk(lines, hunk, start, what, derived, syntax)
    except OutOfTime:
        raise out_of_time(what) from None


def _apply_hunk(
    lines: list[str],
    hunk: Hunk,
    start: int,
    what: str,
    derived: bool,
    syntax: SyntaxCheck | None,
) -> tuple[list[str], int, str]:
    if _spaces_only(lines) and _spaces_only(hunk.old):
        hunk = Hunk(
            [(t, _detab(x) if t == "+" else x) for t, x in hunk.lines], hunk.anchor, hunk.at_eof
        )
    if hunk.anchor:
        start = _find_anchor(lines, hunk.anchor, start)
    old = hunk.old
    if not old:  # pure insertion: after the anchor, at end of file, or at the start
        at = len(lines) if hunk.at_eof or not hunk.anchor else start + 1
        return lines[:at] + hunk.new + lines[at:], at + len(hunk.new), "insert"
    if hunk.at_eof and len(lines) >= len(old):
        located_start = len(lines) - len(old)
        tail = lines[located_start:]
        if [" ".join(t.split()) for t in tail] == [" ".join(t.split()) for t in old]:
            merged = merge(tail, hunk, exact=tail == old)
            return lines[:located_start] + merged, located_start + len(merged), "end-of-file"
    located = locate(lines, old, start)
    if located is None:
        raise not_found(lines, old, what)
    if located.alignments:
        return _apply_gapped(lines, hunk, located, what, derived, syntax)
    if len(located.matches) > 1:
        where = ", ".join(str(s + 1) for s, _ in located.matches[:10])
        shown = "\n---\n".join(numbered(lines, s + 1, e) for s, e in located.matches[:3])
        raise EditFailure(
            f"{what} matches {len(located.matches)} places (lines {where}); "
            f"add more surrounding lines to make it unique:\n{shown}"
        )
    s, e = located.matches[0]
    try:
        merged = merge(lines[s:e], hunk, exact=located.strategy == "exact", derived=derived)
    except MergeRefused as refused:
        picked = syntax and syntax.pick([lines[:s] + c + lines[e:] for c in refused.candidates])
        if not picked:
            raise _loose(lines, s, e, what, refused) from None
        after = len(picked) - (len(lines) - e)  # just after the edit: before the untouched tail
        return picked, after, f"{located.strategy}+syntax"
    return lines[:s] + merged + lines[e:], s + len(merged), located.strategy


def _loose(lines: list[str], s: int, e: int, what: str, refused: MergeRefused) -> EditFailure:
    return EditFailure(
        f"{what} matched lines {s + 1}-{e} only loosely and {refused}:\n{numbered(lines, s + 1, e)}"
    )


def _apply_gapped(lines, hunk, located, what, derived, syntax) -> tuple[list[str], int, str]:
    """The old lines were found in order with file lines between them. Every reading of
    where they are must give the same file; else it is a guess, so refuse (unless only one
    of the possible files parses)."""
    outcomes: dict[tuple[str, ...], int] = {}
    doubt: str | None = None
    for alignment in located.alignments:
        check()
        s, e = alignment[0], alignment[-1] + 1
        try:
            merged = [merge(lines[s:e], hunk, False, derived, [j - s for j in alignment])]
        except MergeRefused as refused:
            if not refused.candidates:
                raise _loose(lines, s, e, what, refused) from None
            merged, doubt = refused.candidates, str(_loose(lines, s, e, what, refused))
        for window in merged:
            outcomes[tuple(lines[:s] + window + lines[e:])] = s + len(window)
    if len(outcomes) == 1:
        ((new_lines, after),) = outcomes.items()
        return list(new_lines), after, located.strategy
    picked = syntax and syntax.pick([list(o) for o in outcomes])
    if picked:
        return picked, outcomes[tuple(picked)], f"{located.strategy}+syntax"
    if doubt:
        raise EditFailure(doubt)
    where = ", ".join(f"{s + 1}-{e}" for s, e in located.matches[:10])
    shown = "\n---\n".join(numbered(lines, s + 1, e) for s, e in located.matches[:3])
    raise EditFailure(
        f"{what} matches more than one way once lines it leaves out are allowed for "
        f"(lines {where}); include every line of the block:\n{shown}"
    )


def _spaces_only(lines: list[str]) -> bool:
    return not any(line.startswith("\t") for line in lines)


def _detab(line: str) -> str:
    """A tab-indented line the model wrote for a file indented with spaces: mixing the two
    breaks Python (TabError) and every style guide."""
    body = line.lstrip("\t")
    return " " * (TAB_WIDTH * (len(line) - len(body))) + body


def replace_string(
    text: str,
    old: str,
    new: str,
    replace_all: bool,
    path: str = "",
    deadline_s: float | None = DEFAULT_DEADLINE_S,
) -> tuple[str, str, int]:
    """edit_file semantics. Returns (new text, matcher used, first changed line). `path`
    names the language, for the syntax tie-break. Raises EditFailure when the edit cannot
    be made safely, or not within deadline_s seconds (None: only an enclosing
    edit_deadline limits it)."""
    try:
        with edit_deadline(deadline_s):
            return _replace_string(text, old, new, replace_all, path)
    except OutOfTime:
        raise out_of_time("old_string") from None


def _replace_string(
    text: str, old: str, new: str, replace_all: bool, path: str
) -> tuple[str, str, int]:
    file = FileText.parse(text)
    normal = "\n".join(file.lines) + ("\n" if file.final_newline and file.lines else "")
    old_n, new_n = old.replace("\r\n", "\n"), new.replace("\r\n", "\n")
    count = normal.count(old_n)
    if count > 1 and not replace_all:
        positions = occurrence_lines(normal, old_n)[:10]
        raise EditFailure(
            f"old_string occurs {count} times (lines {', '.join(map(str, positions))}); "
            "add surrounding lines to make it unique, or set replace_all=true"
        )
    if _spaces_only(file.lines) and _spaces_only(split_lines(old_n)):
        new_n = "\n".join(_detab(line) for line in new_n.split("\n"))
    if count >= 1 and (line := made_again(normal, old_n, new_n)) is not None:
        raise EditFailure(
            f"old_string stands in the file only inside new_string, at line {line}: this "
            "edit looks made already, and making it again would apply it twice. To change "
            "something else, give old_string lines the file has now."
        )
    if count >= 1:
        first = normal.count("\n", 0, normal.find(old_n)) + 1
        result = normal.replace(old_n, new_n)
        return (result.replace("\n", "\r\n") if file.crlf else result), "exact", first
    hunk = hunk_from_strings(old_n, new_n)
    syntax = SyntaxCheck(path, file.lines)
    try:
        lines, _, strategy = _apply_hunk(
            file.lines, hunk, 0, what="old_string", derived=True, syntax=syntax
        )
    except EditFailure:
        if (line := already_applied(file.lines, old_n, new_n)) is None:
            raise
        raise EditFailure(
            f"old_string is not in the file, but new_string already is, at line {line}: "
            "this edit looks made already, so sending it again changes nothing. If the "
            "tests still fail, they need a different change."
        ) from None
    first_changed = (
        next((i for i, (a, b) in enumerate(zip(lines, file.lines, strict=False)) if a != b), 0) + 1
    )
    file.lines = lines
    return file.render(), strategy, first_changed
