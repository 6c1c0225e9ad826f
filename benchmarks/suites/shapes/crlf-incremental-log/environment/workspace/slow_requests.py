"""Report the slow API requests logged since the last run (meant for cron).

    python3 slow_requests.py logs/api-access.log
    python3 slow_requests.py logs/api-access.log --threshold-ms 1000

Log lines look like:  2024-05-14 10:00:01 GET /api/orders 200 132ms
"""
import argparse
import re
import sys
from dataclasses import dataclass

from tail_state import new_lines

LINE = re.compile(r"^(\S+ \S+) (GET|POST|PUT|PATCH|DELETE) (\S+) (\d{3}) (\d+)ms$")


@dataclass
class Request:
    time: str
    method: str
    path: str
    status: int
    ms: int


def parse(line):
    match = LINE.match(line)
    if not match:
        return None
    time, method, path, status, ms = match.groups()
    return Request(time, method, path, int(status), int(ms))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Slow requests since the last run.")
    parser.add_argument("log", help="API access log")
    parser.add_argument("--threshold-ms", type=int, default=500, help="report requests at least this slow (default: %(default)s)")
    args = parser.parse_args(argv)

    lines = new_lines(args.log)
    slow, malformed = [], 0
    for line in lines:
        if not line.strip():
            continue
        request = parse(line)
        if request is None:
            malformed += 1
        elif request.ms >= args.threshold_ms:
            slow.append(request)
    for request in sorted(slow, key=lambda r: (-r.ms, r.time)):
        print(f"{request.ms:>6}ms  {request.method:<6} {request.path}  ({request.time}, {request.status})")
    summary = f"{len(lines)} new lines, {len(slow)} slow requests"
    if malformed:
        summary += f", {malformed} malformed lines skipped"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
