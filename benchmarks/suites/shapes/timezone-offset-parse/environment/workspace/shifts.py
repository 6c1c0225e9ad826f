"""Hours worked per person, from the clock-in export.

    python3 shifts.py shifts.csv

The export has one row per shift: person,start,end with ISO 8601 timestamps
that always carry a UTC offset (e.g. 2024-03-30T22:00:00+01:00, or Z for UTC).
"""
import csv
import sys
from collections import defaultdict
from datetime import datetime

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def parse_timestamp(text):
    # the offset is cut off: "2024-03-30T22:00:00+01:00" -> "2024-03-30T22:00:00"
    return datetime.strptime(text.strip()[:19], TIME_FORMAT)


def shift_hours(start, end):
    return (parse_timestamp(end) - parse_timestamp(start)).total_seconds() / 3600


def hours_by_person(rows):
    totals = defaultdict(float)
    for row in rows:
        totals[row["person"]] += shift_hours(row["start"], row["end"])
    return dict(totals)


def main(path):
    with open(path, newline="") as f:
        totals = hours_by_person(csv.DictReader(f))
    for person in sorted(totals):
        print(f"{person:<10} {totals[person]:6.2f} h")


if __name__ == "__main__":
    main(sys.argv[1])
