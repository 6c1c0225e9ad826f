#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("summary.py")
s = p.read_text()
for old, new in [("    return sum(values) / len(values)\n",
                  "    if not values:\n        return 0.0\n    return sum(values) / len(values)\n"),
                 ("{max(totals):.2f}", "{max(totals, default=0.0):.2f}")]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
python3 summary.py orders-2024-05-04.csv
