"""Durations as people type them ("1h30m", "45m", "2h", "1.5h", "90") and as we print them."""
import math
import re

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([hm])")


def parse_duration(text):
    """Minutes in a duration such as '1h30m', '45m', '2h', '1.5h' or a bare number of minutes."""
    text = text.strip().lower()
    if not text:
        raise ValueError("empty duration")
    if re.fullmatch(r"\d+", text):
        return int(text)
    if not re.fullmatch(r"(\s*\d+(?:\.\d+)?\s*[hm])+", text):
        raise ValueError(f"not a duration: {text!r}")
    minutes = 0.0
    for number, unit in _PART.findall(text):
        minutes += float(number) * (60 if unit == "h" else 1)
    return round(minutes)


def round_up(minutes, step=15):
    """Round up to the next whole `step` minutes (a started quarter hour counts as a full one)."""
    if minutes <= 0:
        return 0
    return math.ceil(minutes / step * step)


def format_minutes(minutes):
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest:02d}m" if rest else f"{hours}h"
