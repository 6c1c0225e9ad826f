"""Find where a hunk's old lines are in a file: a cascade of matchers, strictest first.

The first matcher that finds anything decides: one location is used, several are
ambiguous (reported, never guessed). Each match is (start, end) in file lines, end exclusive.
The gapped matchers also say which file line each old line is (`alignments`), because the
file has lines there that the hunk skipped.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reins.tools.edits.budget import check
from reins.tools.edits.matching import Matcher, Matches, SpanLCS, WindowCounts

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
    last = len(file) - n  # the last start a window fits at
    if n == 0:
        return [(i, i) for i in range(start, last + 1)]
    found = []
    i = start
    for scanned in range(len(file) + 1):
        if i > last:
            break
        try:  # jump to the next line equal to the first old line (a C-speed scan)
            i = keyed.index(wanted[0], i, last + 1)
        except ValueError:
            break
        if keyed[i : i + n] == wanted:
            found.append((i, i + n))
        i += 1
        if not (scanned & 255):
            check()
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
    block's ends, with at most MAX_EXTRA_LINES file lines skipped in between.

    A depth-first search over (old line, file line, skips left), in the order a plain
    search would take, that descends only into states from which the rest of old can
    still be matched (memoised, shared by every start): the readings are the same, found
    in the same order, without the work of dead ends."""
    if sum(1 for t in old if t.strip()) < 2 or sum(len(t.strip()) for t in old) < MIN_GAPPED_CHARS:
        return []
    wanted = [key(t) for t in old]
    keyed = [key(t) for t in file]
    occurrences = Counter(keyed)
    if any(occurrences[w] == 0 for w in wanted):
        return []  # some old line is nowhere in the file
    size, last = len(file), len(old) - 1
    # A reading that starts at i has the rarest old line, old[q], at a file line in
    # [i + q, i + q + MAX_EXTRA_LINES]: only starts near one of its places can work.
    q = min(range(len(old)), key=lambda k: occurrences[wanted[k]])
    starts = sorted(
        {
            i
            for at, line in enumerate(keyed)
            if line == wanted[q]
            for i in range(at - q - MAX_EXTRA_LINES, at - q + 1)
            if i >= start and keyed[i] == wanted[0]
        }
    )
    finishes: dict[tuple[int, int, int], bool] = {}

    def children(k: int, j: int, budget: int) -> list[tuple[int, int, int]]:
        """States for old line k + 1 after old line k at file line j, nearest first."""
        return [
            (k + 1, nxt, budget - (nxt - j - 1))
            for nxt in range(j + 1, min(size, j + 2 + budget))
            if keyed[nxt] == wanted[k + 1]
        ]

    def can_finish(state: tuple[int, int, int]) -> bool:
        stack = [state]
        steps = 0
        while stack:
            top = stack[-1]
            if top in finishes:
                stack.pop()
                continue
            steps += 1
            if not (steps & 1023):
                check()
            if top[0] == last:
                finishes[top] = True
                stack.pop()
                continue
            following = children(*top)
            pending = [c for c in following if c not in finishes]
            if pending:
                stack.extend(pending)
                continue
            finishes[top] = any(finishes[c] for c in following)
            stack.pop()
        return finishes[state]

    found: list[list[int]] = []
    for i in starts:
        if len(found) > MAX_ALIGNMENTS:
            break
        if not can_finish((0, i, MAX_EXTRA_LINES)):
            continue
        # nodes: (old line, file line, skips left, parent node); popped nearest-first
        stack: list[tuple] = [(0, i, MAX_EXTRA_LINES, None)]
        while stack and len(found) <= MAX_ALIGNMENTS:
            node = stack.pop()
            k, j, budget, _ = node
            if k == last:
                path = []
                while node is not None:
                    path.append(node[1])
                    node = node[3]
                path.reverse()
                if path[-1] - path[0] + 1 > len(old):  # gapless windows: other matchers
                    found.append(path)
                continue
            for child in reversed(children(k, j, budget)):
                if can_finish(child):
                    stack.append((*child, node))
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
    normed = [_norm_ws(t) for t in file]
    middle_old = [_norm_ws(t) for t in core[1:-1]]
    found = []
    for i in range(start, len(file)):
        if normed[i] != first:
            continue
        check()
        for j in range(i + len(core) - 2, min(len(file), i + len(old) + MAX_EXTRA_LINES)):
            if j > i and normed[j] == last:
                middle_file = [normed[k] for k in range(i + 1, j) if normed[k]]
                if not middle_old or Matcher(None, middle_old, middle_file).ratio() >= 0.5:
                    found.append((i, j + 1))
                break
    return found


def similarity(file, old, start):
    """The window of n - 1, n or n + 1 lines most like the old lines (difflib's ratio of
    the whitespace-normalised texts, at least SIMILARITY_THRESHOLD), unless another window
    elsewhere comes within SIMILARITY_MARGIN of it (then every such window, best first).

    What a ratio over every window would give, found best-first: each window starts with
    an upper bound on its ratio (the characters in common: difflib's quick_ratio, for all
    windows at once), then tightened (the longest common subsequence of a stretch of the
    file around it) before its exact ratio is computed; a window whose bound can neither
    win nor rival is never looked at again."""
    n = len(old)
    if n == 0:
        return []
    target = "\n".join(_norm_ws(t) for t in old)
    normed = [_norm_ws(t) for t in file]
    offsets = [0]  # offsets[k]: where line k starts in text; a window [i, end) ends at
    for line in normed:  # offsets[end] - 1
        offsets.append(offsets[-1] + len(line) + 1)
    text = "\n".join(normed)
    counts = WindowCounts(normed, target, "\n")
    # heap of (-bound, -start, -end, level), popped in the order of sorting (ratio, start,
    # end) descending: how the best window and its rivals are ranked. Levels: 0 characters
    # in common, 1 LCS of the stretch around the window, 2 the exact ratio (its searches
    # shared with the overlapping windows computed before it).
    heap: list[tuple[float, int, int, int]] = []
    for width in (n, n + 1, n - 1):
        if width < 1 or len(file) - width < start:
            continue
        check()
        common = counts.intersections(width, width - 1)[start:]
        total = counts.text_lengths(width)[start:] + (width - 1 + len(target))
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = np.where(total > 0, 2.0 * common / np.maximum(total, 1), 1.0)
        for k in np.flatnonzero(bound >= SIMILARITY_THRESHOLD).tolist():
            heap.append((-float(bound[k]), -(start + k), -(start + k + width), 0))
    heapq.heapify(heap)
    by_start = sorted((-i, -end) for _, i, end, _ in heap)
    # Each window is bounded, then computed, within a stretch of the file around it; the
    # windows of a stretch share its searches (Matches over the stretch's text).
    stretch: dict[tuple[int, int], tuple[int, int]] = {}  # window -> (LCS bound, stretch)
    stretches: list[tuple[int, int]] = []  # character range of each stretch
    matches: dict[int, Matches] = {}
    spans = SpanLCS(target) if heap else None

    def bound_stretch(i: int, end: int) -> None:
        """Stretch bounds for every candidate window inside [i - n - 2, end + n + 2)."""
        first, last = max(start, i - n - 2), min(len(file), end + n + 2)
        ends = list(range(first + 1, last + 1))
        starts = list(range(last - 1, first - 1, -1))
        fwd = spans.from_start(text, offsets[first], [offsets[e] - 1 for e in ends])
        bwd = spans.to_end(text, offsets[last] - 1, [offsets[s] for s in starts])
        upto = dict(zip(ends, fwd, strict=True))
        after = dict(zip(starts, bwd, strict=True))
        stretches.append((offsets[first], offsets[last] - 1))
        for k in range(bisect_left(by_start, (first, 0)), len(by_start)):
            s, e = by_start[k]
            if s >= last:
                break
            if e <= last and (s, e) not in stretch:
                stretch[(s, e)] = (min(upto[e], after[s]), len(stretches) - 1)

    def refine(i: int, end: int, level: int) -> float:
        """The window's bound at level + 1."""
        lo, hi = offsets[i], offsets[end] - 1
        length = len(target) + hi - lo
        if not length:
            return 1.0
        if (i, end) not in stretch:
            bound_stretch(i, end)
        bound, at = stretch[(i, end)]
        if level == 0:
            return 2.0 * bound / length
        if at not in matches:
            matches[at] = Matches(target, text[stretches[at][0] : stretches[at][1]])
        return matches[at].ratio(lo - stretches[at][0], hi - stretches[at][0])

    best: tuple[float, int, int] | None = None
    rivals: list[tuple[int, int]] = []
    while heap:
        check()
        bound, i, end, level = heap[0]
        floor = -2.0 if best is None else best[0] - SIMILARITY_MARGIN
        if -bound <= floor:
            break  # nothing left can come within the margin of the best
        heapq.heappop(heap)
        if best is None and level == 2:  # exact, and no other window can beat it: the best
            best = (-bound, -i, -end)
            continue
        if best is not None and _overlaps((0, -i, -end), best):
            continue  # a window overlapping the best is never a rival
        if level == 2:
            rivals.append((-i, -end))
            continue
        refined = min(refine(-i, -end, level), -bound)
        if refined >= SIMILARITY_THRESHOLD and refined > floor:
            heapq.heappush(heap, (-refined, i, end, level + 1))
    if best is None:
        return []
    return [(best[1], best[2])] + rivals


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
