#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("totals.py")
s = p.read_text()
old = """    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
"""
new = """    with open(path, newline="", encoding="utf-8") as f:
        header = f.readline()
        f.seek(0)
        delimiter = ";" if header.count(";") > header.count(",") else ","
        for row in csv.DictReader(f, delimiter=delimiter):
"""
assert old in s
p.write_text(s.replace(old, new, 1))
PY
python3 totals.py sales_de.csv
