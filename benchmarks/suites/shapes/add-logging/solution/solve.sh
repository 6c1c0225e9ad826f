#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("worker.py")
s = p.read_text()
s = s.replace("import json\nimport sys\n", "import json\nimport logging\nimport sys\n", 1)
s = s.replace('OUTBOX = Path("outbox.jsonl")\n', 'OUTBOX = Path("outbox.jsonl")\nlog = logging.getLogger("worker")\n', 1)
for old, level in [('print(f"starting', "info"), ('print(f"processing', "debug"),
                   ('print(f"job {job', "error"), ('print(f"sent invoice', "debug"), ('print(f"done', "info")]:
    assert old in s, old
    s = s.replace(old, f"log.{level}(f" + old[len('print(f'):], 1)
old = """if __name__ == "__main__":
    process(sys.argv[1] if len(sys.argv) > 1 else "queue.json")
"""
new = """if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--verbose"]
    logging.basicConfig(level=logging.DEBUG if "--verbose" in sys.argv[1:] else logging.INFO)
    process(args[0] if args else "queue.json")
"""
assert old in s
p.write_text(s.replace(old, new))
PY
