#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("readings.py")
s = p.read_text()
old = '''def load_readings(path):
    """All readings in a sensor log file, in file order."""
    readings = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            readings.append(parse_line(line, f"{path}:{number}"))
    return readings
'''
new = '''def _read(f, name):
    readings = []
    for number, line in enumerate(f, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        readings.append(parse_line(line, f"{name}:{number}"))
    return readings


def load_readings(source):
    """All readings in a sensor log, in file order. `source` is a path or an open
    text file (which is left open)."""
    if hasattr(source, "read"):
        return _read(source, getattr(source, "name", "<stream>"))
    with open(source, encoding="utf-8") as f:
        return _read(f, source)
'''
assert old in s
p.write_text(s.replace(old, new, 1))
PY
python3 -c 'import io, readings; print(readings.load_readings(io.StringIO("2024-05-01T06:00 g1 12.5\n")))'
