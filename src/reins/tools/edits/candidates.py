"""The windows of a file most similar to what the model asked for, to show on a miss."""

from __future__ import annotations

import difflib


def closest_candidates(lines: list[str], old: list[str], limit: int = 2) -> list[tuple[int, int]]:
    width = max(1, len(old))
    target = " ".join(" ".join(old).split())
    scored = []
    for start in range(0, max(1, len(lines) - width + 1)):
        window = " ".join(" ".join(lines[start : start + width]).split())
        matcher = difflib.SequenceMatcher(None, target, window, autojunk=False)
        if matcher.real_quick_ratio() < 0.3 or matcher.quick_ratio() < 0.4:
            continue
        ratio = matcher.ratio()
        if ratio >= 0.4:
            scored.append((ratio, start))
    scored.sort(key=lambda item: -item[0])
    picked: list[tuple[int, int]] = []
    for _, start in scored:
        if all(abs(start - s) >= width for s, _ in picked):
            picked.append((start, min(len(lines), start + width)))
        if len(picked) == limit:
            break
    return picked
