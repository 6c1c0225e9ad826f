#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("sales.py")
s = p.read_text()
old = "    return [order for order in orders if start <= order[0] <= end]\n"
new = ("    # `end` is the start of the last day: take everything before the day after it\n"
       "    return [order for order in orders if start <= order[0] < end + timedelta(days=1)]\n")
assert old in s
s = s.replace(old, new).replace("from datetime import datetime\n", "from datetime import datetime, timedelta\n")
p.write_text(s)
PY
python3 sales.py orders.csv --from 2024-05-01 --to 2024-05-31
