#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

def edit(path, old, new):
    p = Path(path)
    s = p.read_text()
    assert old in s, (path, old)
    p.write_text(s.replace(old, new, 1))

edit("config.toml", 'retries = 3\n', 'retries = 3\ntimeout_seconds = 30\n')
edit("settings.py", "    retries: int = 3\n", "    retries: int = 3\n    timeout_seconds: float = 10\n")
edit("settings.py", '        retries=http.get("retries", 3),\n',
     '        retries=http.get("retries", 3),\n        timeout_seconds=http.get("timeout_seconds", 10),\n')
edit("client.py", '"timeout": 10,', '"timeout": settings.timeout_seconds,')
PY
python3 client.py
