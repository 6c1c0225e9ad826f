"""Find where a hunk's old lines are in a file: a cascade of matchers, strictest first.

The first matcher that finds anything decides: one location is used, several are
ambiguous (reported, never guessed). Each match is (start, end) in file lines, end exclusive.
The gapped matchers also say which file line each old line is (`alignments`), because the
file has lines there that the hunk skipped.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

SIMILARITY_THRESHOLD = 0.92
SIMILARITY_MARGIN = 0.03  # the best window must beat any other by this much
MAX_EXTRA_LINES = 3  # gapped and anchor matchers: lines the model may have left out
MIN_GAPPED_CHARS = 20  # gapped matchers: too little text to place a block with gaps in it
MAX_ALIGNMENTS = 20  # gapped matchers: readings to compare before calling a block ambiguous


@dataclass
class Located:
    strategy: str
    matches: list[tuple[int, int]]
    alignments: list[list[int]] | None = None  # gapped: file line of each old line, per reading


def _norm_ws(line: str) -> str:
    return " ".join(line.split())


def _equal_windows(
    file: list[str], old: list[str], key: Callable[[str], str], start: int
) -> list[tuple[int, int]]:
    n = len(old)
    wanted = [key(t) for t in old]
    keyed = [key(t) for t in file]
    found = []
    for i in range(start, len(file) - n + 1):
        if keyed[i : i + n] == wanted:
            found.append((i, i + n))
    return found


def exact_lines(file, old, start):
    return _equal_windows(file, old, lambda t: t, start)


def trailing_whitespace(file, old, start):
    return _equal_windows(file, old, str.rstrip, start)


def indentation(file, old, start):
    return _equal_windows(file, old, _norm_ws, start)


def _gapped_alignments(
    file: list[str], old: list[str], key: Callable[[str], str], start: int
) -> list[list[int]]:
    """Every way the old lines appear in order in the file, first and last adjacent to the
    block's ends, with at most MAX_EXTRA_LINES file lines skipped in between."""
    if sum(1 for t in old if t.strip()) < 2 or sum(len(t.strip()) for t in old) < MIN_GAPPED_CHARS:
        return []
    wanted = [key(t) for t in old]
    keyed = [key(t) for t in file]
    found: list[list[int]] = []
    for i in range(start, len(file)):
        if keyed[i] != wanted[0]:
            continue
        stack = [([i], MAX_EXTRA_LINES)]  # depth-first, without recursion: old may be long
        while stack and len(found) <= MAX_ALIGNMENTS:
            path, budget = stack.pop()
            if len(path) == len(old):
                if path[-1] - path[0] + 1 > len(old):  # gapless windows: other matchers
                    found.append(path)
                continue
            at = path[-1]
            for j in reversed(range(at + 1, min(len(file), at + 2 + budget))):
                if keyed[j] == wanted[len(path)]:
                    stack.append(([*path, j], budget - (j - at - 1)))
    if len(found) > MAX_ALIGNMENTS:
        return []  # too many readings to weigh: leave it to the looser matchers' checks
    # The readings that leave out the fewest lines are the likely ones (a blank first line
    # can also match the blank line above, with that one "left out").
    fewest = min((a[-1] - a[0] for a in found), default=0)
    return [a for a in found if a[-1] - a[0] == fewest]


def _gapped(key: Callable[[str], str]):
    def matcher(file, old, start):
        return _gapped_alignments(file, old, key, start)

    return matcher


def anchors(file, old, start):
    """First and last non-blank lines match; up to MAX_EXTRA_LINES more or 1 fewer between."""
    core = [t for t in old if t.strip()]
    if len(core) < 3:
        return []
    first, last = _norm_ws(core[0]), _norm_ws(core[-1])
    found = []
    for i in range(start, len(file)):
        if _norm_ws(file[i]) != first:
            continue
        for j in range(i + len(core) - 2, min(len(file), i + len(old) + MAX_EXTRA_LINES)):
            if j > i and _norm_ws(file[j]) == last:
                middle_old = [_norm_ws(t) for t in core[1:-1]]
                middle_file = [_norm_ws(t) for t in file[i + 1 : j] if t.strip()]
                ratio = difflib.SequenceMatcher(None, middle_old, middle_file).ratio()
                if ratio >= 0.5 or not middle_old:
                    found.append((i, j + 1))
                break
    return found


def similarity(file, old, start):
    n = len(old)
    if n == 0:
        return []
    target = "\n".join(_norm_ws(t) for t in old)
    scored = []
    for width in (n, n + 1, n - 1):
        if width < 1:
            continue
        for i in range(start, len(file) - width + 1):
            window = "\n".join(_norm_ws(t) for t in file[i : i + width])
            matcher = difflib.SequenceMatcher(None, target, window, autojunk=False)
            if (
                matcher.real_quick_ratio() < SIMILARITY_THRESHOLD
                or matcher.quick_ratio() < SIMILARITY_THRESHOLD
            ):
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILARITY_THRESHOLD:
                scored.append((ratio, i, i + width))
    if not scored:
        return []
    scored.sort(reverse=True)
    best = scored[0]
    rivals = [
        s for s in scored[1:] if not _overlaps(s, best) and s[0] > best[0] - SIMILARITY_MARGIN
    ]
    return [(best[1], best[2])] + [(s[1], s[2]) for s in rivals]


def _overlaps(a, b) -> bool:
    return a[1] < b[2] and b[1] < a[2]


# Strictest first. The gapped matchers come after the gapless ones and before the loose
# ones: the old lines, in order, with a few file lines the model left out between them.
CASCADE = [
    ("exact", exact_lines),
    ("trailing-whitespace", trailing_whitespace),
    ("indentation", indentation),
    ("gapped", _gapped(lambda t: t)),
    ("gapped-trailing-whitespace", _gapped(str.rstrip)),
    ("gapped-indentation", _gapped(_norm_ws)),
    ("anchors", anchors),
    ("similarity", similarity),
]


def locate(file: list[str], old: list[str], start: int = 0) -> Located | None:
    for name, matcher in CASCADE:
        found = matcher(file, old, start)
        if not found:
            continue
        if name.startswith("gapped"):
            windows = sorted({(a[0], a[-1] + 1) for a in found})
            return Located(name, windows, found)
        return Located(name, found)
    return None
