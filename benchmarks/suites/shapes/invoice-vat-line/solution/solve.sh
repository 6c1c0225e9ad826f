#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("render.py")
s = p.read_text()
old = '    out.append(f"Bill to: {customer.name}")\n'
assert old in s
new = old + '    if customer.vat_id:\n        out.append(f"VAT ID: {customer.vat_id}")\n'
p.write_text(s.replace(old, new, 1))
PY
python3 main.py 1002
