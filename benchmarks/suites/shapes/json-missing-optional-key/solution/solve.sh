#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("orders_report.py")
s = p.read_text()
for old, new in [('order["coupon"]', 'order.get("coupon")'), ('order["note"]', 'order.get("note")'),
                 ("order['coupon']", "order.get('coupon')"), ("order['note']", "order.get('note')")]:
    assert old in s, old
    s = s.replace(old, new)
p.write_text(s)
PY
python3 orders_report.py orders.json
