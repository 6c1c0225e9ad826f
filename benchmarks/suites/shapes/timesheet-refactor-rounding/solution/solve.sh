#!/usr/bin/env bash
set -euo pipefail
sed -i 's|    return math.ceil(minutes / step \* step)|    return math.ceil(minutes / step) * step|' timesheet/durations.py
grep -q 'math.ceil(minutes / step) \* step' timesheet/durations.py
python3 -m unittest discover -s tests
