#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("report.py")
s = p.read_text()
old = "    JOIN orders AS o ON o.customer_id = c.id\n"
assert old in s
p.write_text(s.replace(old, old + "    WHERE o.status != 'cancelled'\n", 1))
PY
