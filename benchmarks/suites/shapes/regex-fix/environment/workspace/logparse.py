"""Summarise an access log: python3 logparse.py access.log

Each line is: time, client address, method, path, status, response size in bytes:

    2024-03-05T10:15:32+01:00 203.0.113.7 GET /api/items 200 512

Lines that don't look like that (truncated writes, startup banners) are skipped.
"""

import re
import sys
from collections import Counter

LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d))"
    r" (?P<ip>\d{1,3}(?:\.\d{1,3}){3})"
    r" (?P<method>[A-Z]+)"
    r" (?P<path>/\S*)"
    r" (?P<status>\d{3})"
    r" (?P<bytes>\d+)$"
)


def parse_line(line):
    """A dict with the fields of one log line, or None when the line doesn't parse."""
    match = LINE.match(line.strip())
    if not match:
        return None
    entry = match.groupdict()
    entry["status"] = int(entry["status"])
    entry["bytes"] = int(entry["bytes"])
    return entry


def summarise(lines):
    statuses = Counter()
    clients = set()
    total_bytes = 0
    skipped = 0
    for line in lines:
        if not line.strip():
            continue
        entry = parse_line(line)
        if entry is None:
            skipped += 1
            continue
        statuses[entry["status"]] += 1
        clients.add(entry["ip"])
        total_bytes += entry["bytes"]
    return statuses, clients, total_bytes, skipped


def main(path):
    with open(path) as f:
        statuses, clients, total_bytes, skipped = summarise(f)
    print(f"requests: {sum(statuses.values())}")
    print(f"clients: {len(clients)}")
    print(f"bytes: {total_bytes}")
    for status, count in sorted(statuses.items()):
        print(f"  {status}: {count}")
    print(f"skipped: {skipped}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "access.log")
