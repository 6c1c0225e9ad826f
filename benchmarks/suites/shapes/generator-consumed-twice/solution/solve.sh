#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("summary.py")
s = p.read_text()
old = '''    count = 0
    for _ in orders:
        count += 1
    revenue = sum(order.total_cents for order in orders)
    spent = Counter()
    for order in orders:
        spent[order.customer] += order.total_cents
'''
new = '''    count = 0
    revenue = 0
    spent = Counter()
    for order in orders:
        count += 1
        revenue += order.total_cents
        spent[order.customer] += order.total_cents
'''
assert old in s
p.write_text(s.replace(old, new, 1))
PY
python3 monthly_report.py data/orders-2024-05.jsonl
