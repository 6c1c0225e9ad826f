import re

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text):
    """'1h30m' -> 5400 (seconds)."""
    text = text.strip()
    parts = re.findall(r"(\d+)([smhd])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"bad interval: {text!r}")
    return sum(int(n) * UNITS[u] for n, u in parts)


def format_seconds(seconds):
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"
