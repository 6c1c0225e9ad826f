#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("lib/events.js")
s = p.read_text()
old = "a.date.localeCompare(b.date) || a.start.localeCompare(b.start)"
new = "toISO(a.date).localeCompare(toISO(b.date)) || a.start.localeCompare(b.start)"
assert old in s
p.write_text(s.replace(old, new, 1))
PY
node agenda.js --today 15/02/2024
