#!/usr/bin/env bash
set -euo pipefail
cat > ext_report.py <<'PY'
"""Summarise the files under a directory by extension: python3 ext_report.py DIR"""

import os
import sys
from collections import defaultdict


def main(argv):
    if len(argv) != 2:
        print("usage: python3 ext_report.py DIR", file=sys.stderr)
        return 2
    counts, sizes = defaultdict(int), defaultdict(int)
    for root, _dirs, files in os.walk(argv[1]):
        for name in files:
            ext = os.path.splitext(name)[1].lower() or "(none)"
            counts[ext] += 1
            sizes[ext] += os.path.getsize(os.path.join(root, name))
    for ext in sorted(counts, key=lambda e: (-sizes[e], e)):
        print(f"{ext}\t{counts[ext]}\t{sizes[ext]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
PY
python3 ext_report.py sample
