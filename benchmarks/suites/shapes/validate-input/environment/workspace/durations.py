"""Durations for the job scheduler: parse '1h30m'-style strings, format seconds back.

    python3 durations.py 1h30m 45s      # prints each duration in seconds, then the total
"""

import re
import sys

UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)\s*([dhms])")
_CLOCK = re.compile(r"(\d+):([0-5]\d)(?::([0-5]\d))?")


def parse_duration(text):
    """'1h30m' -> 5400, '45s' -> 45, '2d' -> 172800, '1h 5m' -> 3900; a bare number is
    seconds ('90' -> 90). Upper case and surrounding spaces are fine."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    return sum(int(number) * UNITS[unit] for number, unit in _PART.findall(text))


def parse_clock(text):
    """'1:30' -> 5400 (hours:minutes), '0:01:30' -> 90 (hours:minutes:seconds)."""
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        raise ValueError(f"invalid clock time: {text!r}")
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)


def format_duration(seconds):
    """3900 -> '1h 5m', 45 -> '45s', 0 -> '0s', 90061 -> '1d 1h 1m 1s'."""
    if seconds < 0:
        raise ValueError("negative duration")
    parts = []
    for unit, size in UNITS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0s"


def total(texts):
    return sum(parse_duration(t) for t in texts)


def split_evenly(seconds, slots):
    """Split a duration into `slots` parts that differ by at most one second."""
    if slots < 1:
        raise ValueError("slots must be at least 1")
    size, extra = divmod(seconds, slots)
    return [size + 1 if i < extra else size for i in range(slots)]


def main(argv):
    for text in argv:
        print(f"{text:>10}  {parse_duration(text)}")
    print(f"{'total':>10}  {total(argv)}  ({format_duration(total(argv))})")


if __name__ == "__main__":
    main(sys.argv[1:])
