#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("dedupe.py")
s = p.read_text()
start = s.index("def find_duplicates(rows):")
end = s.index("def main(path):")
s = s[:start] + """def find_duplicates(rows):
    seen = set()
    duplicates = {}
    for row in rows:
        email = normalise(row["email"])
        if email in seen:
            duplicates[email] = duplicates.get(email, 1) + 1
        else:
            seen.add(email)
    return duplicates


""" + s[end:]
s = s.replace("{count_rows(rows, email)}", "{duplicates[email]}")
p.write_text(s)
PY
