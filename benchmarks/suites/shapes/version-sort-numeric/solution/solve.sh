#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("releases.py")
s = p.read_text()
old = '    return tuple(version.strip().lstrip("v").split("."))\n'
new = '    return tuple(int(part) for part in version.strip().lstrip("v").split("."))\n'
assert old in s
p.write_text(s.replace(old, new, 1))
PY
python3 -m unittest test_releases
