#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("export_contacts.py")
s = p.read_text()
for old, new in [
    ('parser.add_argument("-o", "--out", metavar="PATH",',
     'parser.add_argument("-o", "--output", "--out", dest="output", metavar="PATH",'),
    ("--out contacts.csv", "--output contacts.csv"),
    ("if args.out:", "if args.output:"),
    ("open(args.out,", "open(args.output,"),
    ("to {args.out}", "to {args.output}"),
]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
python3 export_contacts.py --help
