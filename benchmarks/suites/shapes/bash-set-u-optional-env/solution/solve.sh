#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("publish.sh")
s = p.read_text()
for old, new in [('version="$1"', 'version="${1:-}"'),
                 ('if [ -n "$PUBLISH_DIR" ]; then', 'if [ -n "${PUBLISH_DIR:-}" ]; then')]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
bash publish.sh
rm -rf dist
