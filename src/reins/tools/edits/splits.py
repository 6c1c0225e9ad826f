"""Where the file lines an edit_file call left out can go in its new text.

edit_file gives old and new strings; which old line "is" which new line is only our diff's
guess. File lines the model left out sit between two old lines, old[g-1] and old[g]. In the
new text they can go at any split point p that a best alignment of old with new allows:
old[:g] aligned only within new[:p], old[g:] only within new[p:]. A best alignment pairs
as many equal lines as possible and, among those, prefers pairing similar lines, so that a
rewritten line keeps its place. One split point: certain. Several that give different
files: ambiguous.
"""

from __future__ import annotations

import difflib
import itertools
from functools import lru_cache

from reins.tools.edits.budget import check
from reins.tools.edits.matching import ratio as exact_ratio

MAX_CELLS = 250_000  # old lines x new lines; beyond this an edit with gaps is refused
MAX_SIMILARITY_CELLS = 20_000  # beyond this only equal lines pair up
MAX_COMBINATIONS = 512
SIMILAR = 0.5
SIMILAR_WEIGHT = 1e-4
EPSILON = 1e-9


@lru_cache(maxsize=65_536)
def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    x, y = " ".join(a.split()), " ".join(b.split())
    if not x or not y:
        return 0.0
    matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    ratio = exact_ratio(x, y)
    # Similar pairs only break ties between alignments with as many equal pairs: no number
    # of them outweighs one equal pair.
    return ratio * SIMILAR_WEIGHT if ratio >= SIMILAR else 0.0


def _table(a: list[str], b: list[str], fuzzy: bool) -> list[list[float]]:
    """t[i][j]: the best alignment of a[:i] with b[:j]."""
    t = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a, 1):
        check()
        row, above = t[i], t[i - 1]
        for j, y in enumerate(b, 1):
            pair = 1.0 if x == y else (_similarity(x, y) if fuzzy else 0.0)
            row[j] = max(above[j], row[j - 1], above[j - 1] + pair if pair else 0.0)
    return t


def _best(a: list[str], b: list[str], fuzzy: bool) -> float:
    return _table(a, b, fuzzy)[len(a)][len(b)] if a and b else 0.0


def gap_splits(old: list[str], new: list[str], gaps: list[int]) -> list[tuple[int, ...]] | None:
    """For gaps at old indices (ascending), every tuple of split points in new that one
    best alignment allows for all of them at once; None if too big to check."""
    n, m = len(old), len(new)
    if n * m > MAX_CELLS:
        return None
    fuzzy = n * m <= MAX_SIMILARITY_CELLS
    forward, backward = _table(old, new, fuzzy), _table(old[::-1], new[::-1], fuzzy)
    total = forward[n][m]
    options = [
        [p for p in range(m + 1) if forward[g][p] + backward[n - g][m - p] >= total - EPSILON]
        for g in gaps
    ]
    combinations = list(itertools.islice(itertools.product(*options), MAX_COMBINATIONS + 1))
    if len(combinations) > MAX_COMBINATIONS:
        return None
    consistent = []
    old_bounds = [0, *gaps, n]
    for splits in combinations:
        check()
        new_bounds = [0, *splits, m]
        if any(a > b for a, b in itertools.pairwise(new_bounds)):
            continue
        if len(splits) == 1:
            consistent.append(splits)  # one gap: the table check above is exact
            continue
        aligned = sum(
            _best(
                old[old_bounds[k] : old_bounds[k + 1]],
                new[new_bounds[k] : new_bounds[k + 1]],
                fuzzy,
            )
            for k in range(len(old_bounds) - 1)
        )
        if aligned >= total - EPSILON:
            consistent.append(splits)
    return consistent
