#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("logparse.py")
s = p.read_text()
old = r'(?P<ip>\d{1,3}(?:\.\d{1,3}){3})'
assert old in s, old
p.write_text(s.replace(old, r'(?P<ip>\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)', 1))
PY
