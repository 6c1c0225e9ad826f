#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("top_words.py")
s = p.read_text()

def edit(old, new):
    global s
    assert old in s, old
    s = s.replace(old, new, 1)

edit("import re\n", "import re\nimport sys\n")
edit('parser.add_argument("file", help="the text file to read")',
     'parser.add_argument("file", nargs="?", default="-", help="the text file to read (default: standard input)")')
edit("""    with open(args.file, encoding="utf-8") as f:
        counts = count_words(f)
""", """    if args.file == "-":
        counts = count_words(sys.stdin)
    else:
        with open(args.file, encoding="utf-8") as f:
            counts = count_words(f)
""")
p.write_text(s)
PY
grep ERROR app.log | python3 top_words.py -n 3
