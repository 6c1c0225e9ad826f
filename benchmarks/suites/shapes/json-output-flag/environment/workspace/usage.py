"""Summarise an access log: number of requests and average latency per endpoint.

Each log line is: TIMESTAMP METHOD PATH STATUS MILLISECONDS
"""
import sys
from collections import defaultdict


def parse(path):
    timings = defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 5 or not parts[4].isdigit():
                continue
            _, _method, endpoint, _status, ms = parts
            endpoint = endpoint.split("?")[0]
            timings[endpoint].append(int(ms))
    return timings


def summarise(timings):
    rows = []
    for endpoint, times in timings.items():
        rows.append((endpoint, len(times), sum(times) / len(times)))
    rows.sort(key=lambda row: (-row[1], row[0]))
    return rows


def main(argv):
    if len(argv) != 1:
        print("usage: python3 usage.py LOGFILE", file=sys.stderr)
        return 2
    rows = summarise(parse(argv[0]))
    print(f"{'endpoint':<24} {'requests':>8} {'avg_ms':>8}")
    for endpoint, count, avg in rows:
        print(f"{endpoint:<24} {count:>8} {avg:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
