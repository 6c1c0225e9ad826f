#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("src/query.js")
s = p.read_text()
old = "    result[key] = value;\n"
assert old in s
new = """    if (!Object.prototype.hasOwnProperty.call(result, key)) {
      result[key] = value;
    } else if (Array.isArray(result[key])) {
      result[key].push(value);
    } else {
      result[key] = [result[key], value];
    }
"""
p.write_text(s.replace(old, new, 1))
PY
node test.js
