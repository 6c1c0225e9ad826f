"""Apply a hunk to the file window it was located at, keeping the file's truth.

The window may differ from the hunk's old lines (whitespace, a line the model left out,
a slightly wrong line). Context lines are taken from the file, removed lines are dropped,
added lines are re-indented into the file's style, and file lines the model did not
mention are kept, unless where they go is ambiguous: then we refuse rather than guess.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from reins.tools.edits.budget import check
from reins.tools.edits.hunk import Hunk
from reins.tools.edits.matching import Matcher, ratio
from reins.tools.edits.splits import gap_splits

TAB_WIDTH = 4
REMOVE_SIMILARITY = 0.8  # a removed line may differ this little from the file line it removes
REPLACE_SIMILARITY = 0.5  # removed vs added line: above this they are one line rewritten


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


class MergeRefused(Exception):
    """`candidates`: when the only doubt is where skipped file lines go, every window the
    edit could mean; a caller with another signal (the file must still parse) may pick one."""

    def __init__(self, message: str, candidates: list[list[str]] | None = None):
        super().__init__(message)
        self.candidates = candidates or []


AMBIGUOUS_GAP = (
    "the file has lines here that old_string does not mention; "
    "include them so the edit is unambiguous"
)
MAX_CANDIDATES = 64  # placements of skipped lines to weigh before refusing outright


def merge(
    window: list[str],
    hunk: Hunk,
    exact: bool,
    derived: bool = False,
    alignment: list[int] | None = None,
) -> list[str]:
    """`derived`: the hunk's tags were re-derived by diffing old/new strings (edit_file), so
    how it aligns old with new is our guess, not the model's: skipped file lines go only
    where every best alignment agrees (splits.py). `alignment`: the window line of each old line, when the
    matcher already knows it."""
    if exact:
        return hunk.new
    old = hunk.old
    if alignment is not None:
        mapping: dict[int, int | None] = dict(enumerate(alignment))
        extra_before: dict[int, list[str]] = {
            i: window[alignment[i - 1] + 1 : alignment[i]] for i in range(1, len(old))
        }
    else:
        mapping, extra_before = _align(window, hunk)
    return _render(window, hunk, mapping, extra_before, derived)


def _align(window: list[str], hunk: Hunk) -> tuple[dict[int, int | None], dict[int, list[str]]]:
    """Which window line each old line is, by a diff; old context lines the file lacks map
    to None, file lines the hunk skipped are kept by the old line they precede."""
    old_tags = [tag for tag, _ in hunk.lines if tag != "+"]
    old = hunk.old
    matcher = Matcher(None, [_norm(t) for t in old], [_norm(t) for t in window], autojunk=False)
    mapping: dict[int, int | None] = {}
    extra_before: dict[int, list[str]] = defaultdict(list)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                i, j = i1 + k, j1 + k
                if op == "replace" and old_tags[i] == "-" and not _alike(old[i], window[j]):
                    raise MergeRefused(f"line to remove is not in the file: {old[i].strip()!r}")
                mapping[i] = j
        elif op == "delete":
            for i in range(i1, i2):
                if old_tags[i] == "-":
                    raise MergeRefused(f"line to remove is not in the file: {old[i].strip()!r}")
                mapping[i] = None  # a context line the file does not have: skip it
        elif op == "insert":
            extra_before[i1].extend(window[j1:j2])
        else:
            raise MergeRefused("the block in the file differs too much from old_string")
    return mapping, extra_before


def _alike(line: str, file_line: str) -> bool:
    """A line to remove and the file line in its place are the same line, slightly off."""
    a, b = _norm(line), _norm(file_line)
    return ratio(a, b) >= REMOVE_SIMILARITY


def _render(window, hunk, mapping, extra_before, derived) -> list[str]:
    """The merged window. Skipped file lines whose place among added lines is uncertain
    make this a refusal that lists every possible window (as candidates)."""
    old = hunk.old
    pairs = [(old[i], window[j]) for i, j in mapping.items() if j is not None]
    reindent = Reindenter(pairs)
    strip_trailing = all(w == w.rstrip() for w in window) and any(o != o.rstrip() for o in old)
    placements = (_derived_placements if derived else _placements)(hunk, extra_before)
    if not placements or len(placements) > MAX_CANDIDATES:
        raise MergeRefused(AMBIGUOUS_GAP)
    renders = []
    for moved in placements:
        check()
        render = _emit(window, hunk, mapping, extra_before, reindent, strip_trailing, moved)
        if render not in renders:
            renders.append(render)
    if len(renders) > 1:
        raise MergeRefused(AMBIGUOUS_GAP, renders)
    return renders[0]


def _old_positions(hunk: Hunk) -> list[int]:
    return [k for k, (tag, _) in enumerate(hunk.lines) if tag != "+"]


def _placements(hunk: Hunk, extra_before) -> list[dict[int, int]]:
    """For a hunk the model wrote, with its own `-` / `+` lines: each way of placing the
    skipped lines, as {hunk position of the gap: hunk position they go before}."""
    doubtful: dict[int, range] = {}
    for oi, position in enumerate(_old_positions(hunk)):
        if extra_before.get(oi):
            places = _gap_places(hunk, position)
            if not places:
                return []
            if len(places) > 1:
                doubtful[position] = places
    return [
        dict(zip(doubtful, choice, strict=True))
        for choice in itertools.islice(itertools.product(*doubtful.values()), MAX_CANDIDATES + 1)
    ]


def _derived_placements(hunk: Hunk, extra_before) -> list[dict[int, int]]:
    """For a diff we derived from old/new strings: the places some longest common
    subsequence of old and new allows (see splits.py)."""
    old_positions = _old_positions(hunk)
    new_positions = [k for k, (tag, _) in enumerate(hunk.lines) if tag != "-"]
    new_positions.append(len(hunk.lines))
    gaps = [oi for oi in range(1, len(old_positions)) if extra_before.get(oi)]
    if not gaps:
        return [{}]
    for oi in gaps:
        if hunk.lines[old_positions[oi - 1]][0] == "-" == hunk.lines[old_positions[oi]][0]:
            return []  # between two removals: maybe the model meant to remove these too
    splits = gap_splits(hunk.old, hunk.new, gaps)
    return [
        {old_positions[oi]: new_positions[p] for oi, p in zip(gaps, split, strict=True)}
        for split in splits or []
    ]


def _emit(window, hunk, mapping, extra_before, reindent, strip_trailing, moved) -> list[str]:
    """`moved`: gaps (by hunk position) whose skipped lines go before another hunk line."""
    old_index = {position: oi for oi, position in enumerate(_old_positions(hunk))}
    extra_at: dict[int, list[str]] = defaultdict(list)
    for position, oi in old_index.items():
        extra_at[moved.get(position, position)] += extra_before.get(oi, [])
    out: list[str] = []
    for position, (tag, text) in enumerate(hunk.lines):
        out.extend(extra_at.get(position, []))
        if tag == "+":
            line = reindent.apply(text)
            out.append(line.rstrip() if strip_trailing else line)
        elif tag == " " and mapping[old_index[position]] is not None:
            out.append(window[mapping[old_index[position]]])
    out.extend(extra_at.get(len(hunk.lines), []))
    out.extend(extra_before.get(len(hunk.old), []))
    return out


def _added_block_start(hunk: Hunk, position: int) -> int:
    start = position
    while start > 0 and hunk.lines[start - 1][0] == "+":
        start -= 1
    return start


def _gap_places(hunk: Hunk, position: int) -> range:
    """File lines the hunk skipped, just before hunk line `position` (an old line): the
    hunk lines they could go before. One place when it is certain; several when they could
    go anywhere among the added lines next to them; none when the model may have meant to
    remove them."""
    lines = hunk.lines
    start = _added_block_start(hunk, position)
    if start < position:
        # Added lines just before the gap. After context they are a pure insertion, and the
        # skipped lines could go anywhere among them. After removed lines they rewrite those
        # in place, so the skipped lines (after the removed ones in the file) follow.
        removed_start = start
        while removed_start > 0 and lines[removed_start - 1][0] == "-":
            removed_start -= 1
        previous = lines[start - 1][0] if start > 0 else None
        if previous == "-" and _rewrites_in_place(
            lines[removed_start:start], lines[start:position]
        ):
            return range(position, position + 1)
        return range(start, position + 1)
    if lines[position][0] == "-" and position > 0 and lines[position - 1][0] == "-":
        return range(0)  # between two removals: maybe the model meant to remove these too
    return range(position, position + 1)


def _rewrites_in_place(removed: list[tuple[str, str]], added: list[tuple[str, str]]) -> bool:
    """The added block rewrites the removed block in place: the last removed line is most
    like the last added line. Otherwise it may be a deletion next to an unrelated insertion,
    or the rewrite may have grown past a line the hunk skipped."""
    line = _norm(removed[-1][1])
    if not line:
        return False
    ratios = [ratio(line, _norm(t)) for _, t in added]
    best = max(ratios)
    return best >= REPLACE_SIMILARITY and ratios[-1] == best and ratios.count(best) == 1
