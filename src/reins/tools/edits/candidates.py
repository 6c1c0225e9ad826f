"""The windows of a file most similar to what the model asked for, to show on a miss.

The ranking is difflib's ratio of the whitespace-joined texts, as a plain loop over every
window would give, found best-first: a window's ratio is only computed when upper bounds
on it (the characters in common, then the longest common subsequence of the stretch of
text around it, then of the window) say it could still be picked. It is only a hint, so it has a time slice of its own: when that runs out, the
windows picked so far are shown (`complete` is False).
"""

from __future__ import annotations

import heapq

import numpy as np

from reins.tools.edits.budget import OutOfTime, check, edit_deadline
from reins.tools.edits.matching import Matches, SpanLCS, WindowCounts, lcs_length, ratio

MIN_RATIO = 0.4
TIME_SLICE_S = 0.5
SHARE_FROM_CHARS = 2000


def closest_candidates(lines: list[str], old: list[str], limit: int = 2) -> list[tuple[int, int]]:
    return closest_candidates_within(lines, old, limit)[0]


def closest_candidates_within(
    lines: list[str], old: list[str], limit: int = 2, seconds: float = TIME_SLICE_S
) -> tuple[list[tuple[int, int]], bool]:
    """(picked windows, whether the search finished within `seconds`)."""
    picked: list[tuple[int, int]] = []
    try:
        with edit_deadline(seconds):
            _search(lines, old, limit, picked)
    except OutOfTime:
        return picked, False
    return picked, True


def _search(lines: list[str], old: list[str], limit: int, picked: list[tuple[int, int]]) -> None:
    width = max(1, len(old))
    target = " ".join(" ".join(old).split())
    words = [" ".join(t.split()) for t in lines]
    count = max(1, len(lines) - width + 1)  # windows start at 0 .. count - 1
    span = min(width, len(lines))  # lines in each window (fewer when the file is short)
    # A window's text is a piece of the non-blank lines joined by spaces: where it starts
    # and ends there, for each window start.
    text = " ".join(t for t in words if t)
    starts, at = [], 0
    for t in words:
        starts.append(at)
        at += len(t) + 1 if t else 0
    starts.append(at)
    ends = [0] * (len(words) + 1)  # ends[k]: where the text of words[:k] ends
    for k, t in enumerate(words):
        ends[k + 1] = starts[k] + len(t) if t else ends[k]

    def piece(start: int) -> tuple[int, int]:
        stop = min(len(words), start + width)
        lo, hi = starts[start], ends[stop]
        return (lo, hi) if hi > lo else (0, 0)

    heap: list[tuple[float, int, int]] = []  # (-bound, start, level)
    if span:
        counts = WindowCounts(words, target, " ")
        nonempty = np.concatenate(([0], np.cumsum([bool(t) for t in words])))
        separators = np.maximum(nonempty[span:] - nonempty[:-span] - 1, 0)[:count]
        common = counts.intersections(span, separators)[:count]
        total = counts.text_lengths(span)[:count] + separators + len(target)
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = np.where(total > 0, 2.0 * common / np.maximum(total, 1), 1.0)
        heap = [(-float(bound[s]), s, 0) for s in np.flatnonzero(bound >= MIN_RATIO).tolist()]
    elif not target:  # an empty file and an empty old: difflib calls that a perfect match
        heap = [(-1.0, 0, 3)]
    heapq.heapify(heap)
    # Long targets: windows share their searches; short ones: each window on its own (an
    # index of the whole file would cost more than it saves).
    matches = Matches(target, text) if len(target) > SHARE_FROM_CHARS else None
    spans = SpanLCS(target) if heap else None
    stretch: dict[int, int] = {}  # window start -> LCS bound from the stretch around it

    def bound_stretch(start: int) -> None:
        """Bounds for every window starting within `width` lines of this one, from the
        LCS of the target with the text from the first of them and to the last."""
        covered = [
            w for w in range(max(0, start - width), min(count, start + width + 1)) if piece(w)[1]
        ]
        lo, hi = piece(covered[0])[0], max(piece(w)[1] for w in covered)
        ends = sorted({piece(w)[1] for w in covered})
        begins = sorted({piece(w)[0] for w in covered}, reverse=True)
        upto = dict(zip(ends, spans.from_start(text, lo, ends), strict=True))
        after = dict(zip(begins, spans.to_end(text, hi, begins), strict=True))
        for w in covered:
            stretch.setdefault(w, min(upto[piece(w)[1]], after[piece(w)[0]]))

    # Popped in the order of sorting by (ratio descending, start): the order windows are
    # picked in. A window too near one already picked can never be picked: skip it.
    # Levels: 0 characters in common, 1 LCS of the stretch around the window, 2 LCS of the
    # window, 3 the exact ratio.
    while heap and len(picked) < limit:
        check()
        bound, start, level = heapq.heappop(heap)
        if not all(abs(start - s) >= width for s, _ in picked):
            continue
        if level == 3:
            picked.append((start, min(len(lines), start + width)))
            continue
        lo, hi = piece(start)
        length = len(target) + hi - lo
        if hi and level == 0:  # the longest common subsequence bounds difflib's matches
            if start not in stretch:
                bound_stretch(start)
            refined = 2.0 * stretch[start] / length
        elif hi and level == 1:
            refined = 2.0 * lcs_length(target, text[lo:hi]) / length
        elif matches is not None:
            refined, level = matches.ratio(lo, hi), 2
        else:
            refined, level = ratio(target, text[lo:hi]), 2
        refined = min(refined, -bound)
        if refined >= MIN_RATIO:
            heapq.heappush(heap, (-refined, start, level + 1))
