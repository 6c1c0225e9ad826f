#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("reqparse.py")
s = p.read_text()
old = "        name, _extras, operator, version = REQUIREMENT.match(line.strip()).groups()\n"
assert old in s
new = ("        line = line.split(\"#\", 1)[0].strip()\n"
       "        if not line:\n"
       "            continue\n"
       "        name, _extras, operator, version = REQUIREMENT.match(line).groups()\n")
p.write_text(s.replace(old, new, 1))
PY
python3 check_pins.py || true
