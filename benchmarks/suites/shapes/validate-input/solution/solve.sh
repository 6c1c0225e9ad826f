#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("durations.py")
s = p.read_text()
old = '''    text = text.strip().lower()
    if text.isdigit():'''
new = '''    original = text
    text = text.strip().lower()
    if not re.fullmatch(r"\\d+|(\\d+\\s*[dhms]\\s*)+", text):
        raise ValueError(f"invalid duration: {original!r}")
    if text.isdigit():'''
assert old in s
p.write_text(s.replace(old, new, 1))
PY
