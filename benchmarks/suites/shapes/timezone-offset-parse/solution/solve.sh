#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("shifts.py")
s = p.read_text()
old = """    # the offset is cut off: "2024-03-30T22:00:00+01:00" -> "2024-03-30T22:00:00"
    return datetime.strptime(text.strip()[:19], TIME_FORMAT)
"""
new = """    # keep the offset, so that times at different offsets compare correctly
    return datetime.strptime(text.strip(), TIME_FORMAT + "%z")
"""
assert old in s
p.write_text(s.replace(old, new, 1))
PY
python3 shifts.py shifts.csv
