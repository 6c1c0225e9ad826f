#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("settings.py")
s = p.read_text()
for old, new in [
    ("    dry_run: bool = False\n", "    dry_run: bool = False\n    retry_attempts: int = 3\n    retry_delay: float = 2.0\n"),
    ('''        dry_run=parser.getboolean("general", "dry_run", fallback=False),
''', '''        dry_run=parser.getboolean("general", "dry_run", fallback=False),
        retry_attempts=parser.getint("retry", "attempts", fallback=3),
        retry_delay=parser.getfloat("retry", "delay", fallback=2.0),
'''),
]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
p = Path("notifier.py")
s = p.read_text()
for old, new in [
    ("    for attempt in range(1, 4):", "    for attempt in range(1, settings.retry_attempts + 1):"),
    ("            if attempt < 3:\n                sleep(2)",
     "            if attempt < settings.retry_attempts:\n                sleep(settings.retry_delay)"),
]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
