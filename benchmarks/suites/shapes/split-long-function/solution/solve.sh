#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("orders.py")
s = p.read_text()
start = s.index('            sku = (row.get("sku")')
end = s.index("\n            entry = customers.setdefault")
body = s[start:end].rstrip() + "\n"
# dedent the row code by 8 spaces and turn the `continue`s into `return None`
body = "\n".join(line[8:] if line.strip() else line for line in body.split("\n"))
body = body.replace("continue", "return None").replace("    line = {", "    return {")
helper = ('def parse_row(row):\n    """Turn one CSV row into an order line dict, or None when the row is skipped."""\n'
          + body + "\n\n")
s = s[:start] + "            line = parse_row(row)\n            if line is None:\n                continue\n" + s[end + 1:].replace("setdefault(customer,", 'setdefault(line["customer"],', 1)
s = s.replace("def import_orders(path):", helper + "def import_orders(path):", 1)
p.write_text(s)
PY
python3 -m unittest test_orders
