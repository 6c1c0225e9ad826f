"""A reply stuck in a loop: the same line (or the same two or three lines) written over and
over until the token limit. Seen from the embedded model writing a test file: one
`assertEqual` line forty times, 1,024 tokens and 30 s a reply, four replies in a row. The
local client stops such a reply once the run is long enough and keeps one copy of it."""

from __future__ import annotations

MIN_LINES = 16  # a 9x9 grid of zeros in a test is 9 equal lines: well under this
MAX_PERIOD = 3


def loop_start(text: str) -> tuple[int, int] | None:
    """(index of the run's first line, period) when the complete lines of `text` end in one
    block of 1-3 lines repeated over at least MIN_LINES lines (not blank lines only)."""
    # Checked at every new line of a streamed reply: only its last lines are read, and the
    # whole text is split only once a loop is found (linear over the reply).
    tail = _last_lines(text, MIN_LINES)
    if len(tail) < MIN_LINES:
        return None
    for period in range(1, MAX_PERIOD + 1):
        if not any(line.strip() for line in tail[-period:]):
            continue
        if all(tail[i] == tail[i - period] for i in range(period, len(tail))):
            lines = text.split("\n")[:-1]
            start = len(lines) - MIN_LINES
            while start > 0 and lines[start - 1] == lines[start - 1 + period]:
                start -= 1
            return start, period
    return None


def _last_lines(text: str, count: int) -> list[str]:
    """The last `count` complete lines of `text` (fewer when it has fewer); the piece
    after the last newline is not complete yet."""
    end = text.rfind("\n")
    if end < 0:
        return []
    start = end
    for _ in range(count):
        start = text.rfind("\n", 0, start)
        if start < 0:
            break
    return text[start + 1 : end].split("\n")


def without_loop(text: str) -> str:
    """`text` with its repeated run cut to one copy (and the incomplete line after it)."""
    found = loop_start(text)
    if found is None:
        return text
    start, period = found
    lines = text.split("\n")
    return "\n".join(lines[: start + period]) + "\n"
