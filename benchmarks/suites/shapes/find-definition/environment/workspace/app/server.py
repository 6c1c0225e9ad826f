from app.util.timefmt import parse_duration

TIMEOUT = parse_duration("30s")
