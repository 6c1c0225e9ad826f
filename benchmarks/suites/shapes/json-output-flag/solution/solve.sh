#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("usage.py")
s = p.read_text()

def edit(old, new):
    global s
    assert old in s, old
    s = s.replace(old, new, 1)

edit("import sys\n", "import json\nimport sys\n")
edit("""    if len(argv) != 1:
        print("usage: python3 usage.py LOGFILE", file=sys.stderr)
        return 2
    rows = summarise(parse(argv[0]))
""", """    as_json = "--json" in argv
    argv = [arg for arg in argv if arg != "--json"]
    if len(argv) != 1:
        print("usage: python3 usage.py LOGFILE [--json]", file=sys.stderr)
        return 2
    rows = summarise(parse(argv[0]))
    if as_json:
        print(json.dumps([{"endpoint": e, "requests": n, "avg_ms": round(a, 1)} for e, n, a in rows], indent=2))
        return 0
""")
p.write_text(s)
PY
python3 usage.py access.log --json
