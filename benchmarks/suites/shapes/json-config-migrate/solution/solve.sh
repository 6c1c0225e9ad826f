#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
import json
from pathlib import Path
p = Path("config.json")
raw = json.loads(p.read_text())
new = {}
for key, value in raw.items():
    if key == "db_host":
        new["database"] = {"host": raw["db_host"], "port": raw["db_port"], "name": raw["db_name"]}
    elif not key.startswith("db_"):
        new[key] = value
p.write_text(json.dumps(new, indent=2) + "\n")
p = Path("loader.py")
s = p.read_text()
old = "raw['db_host']}:{raw['db_port']}/{raw['db_name']}"
assert old in s
s = s.replace(old, "db['host']}:{db['port']}/{db['name']}")
s = s.replace("    database_url = f", '    db = raw["database"]\n    database_url = f', 1)
p.write_text(s)
PY
