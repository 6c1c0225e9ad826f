"""Daily minimum and maximum per sensor.

    python3 daily_stats.py sensors-2024-05.log [more.log ...]
"""
import sys

from readings import daily_extremes, load_readings


def main(paths):
    if not paths:
        print("usage: python3 daily_stats.py LOG [LOG ...]", file=sys.stderr)
        return 2
    readings = []
    for path in paths:
        try:
            readings += load_readings(path)
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    for (day, sensor), (low, high) in daily_extremes(readings).items():
        print(f"{day}  {sensor:<14} min {low:5.1f}  max {high:5.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
