"""Temperature readings from the greenhouse sensors.

One reading per line, blank lines and # comments are ignored:

    2024-05-01T06:00 greenhouse-1 18.5
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Reading:
    time: datetime
    sensor: str
    celsius: float


def parse_line(line, where):
    parts = line.split()
    if len(parts) != 3:
        raise ValueError(f"{where}: expected 'TIME SENSOR CELSIUS', got {line!r}")
    stamp, sensor, value = parts
    try:
        return Reading(datetime.fromisoformat(stamp), sensor, float(value))
    except ValueError:
        raise ValueError(f"{where}: bad time or temperature in {line!r}") from None


def load_readings(path):
    """All readings in a sensor log file, in file order."""
    readings = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            readings.append(parse_line(line, f"{path}:{number}"))
    return readings


def daily_extremes(readings):
    """{(day, sensor): (min, max)} sorted by day, then sensor."""
    seen = defaultdict(list)
    for reading in readings:
        seen[(reading.time.date(), reading.sensor)].append(reading.celsius)
    return {key: (min(values), max(values)) for key, values in sorted(seen.items())}
