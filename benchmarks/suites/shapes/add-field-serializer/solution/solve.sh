#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("models.py")
s = p.read_text()
old = "    tags: list[str] = field(default_factory=list)\n"
assert old in s
p.write_text(s.replace(old, old + "    phone: str | None = None\n", 1))
p = Path("serialize.py")
s = p.read_text()
old = '        "tags": list(user.tags),\n'
assert old in s
s = s.replace(old, old + '        "phone": user.phone,\n', 1)
old = '        tags=list(data.get("tags", [])),\n'
assert old in s
s = s.replace(old, old + '        phone=data.get("phone"),\n', 1)
p.write_text(s)
PY
