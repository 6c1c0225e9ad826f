UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_duration(text):
    """'90s', '5m', '2h' -> seconds."""
    return int(text[:-1]) * UNITS[text[-1]]


def format_duration(seconds):
    return f"{seconds}s"
