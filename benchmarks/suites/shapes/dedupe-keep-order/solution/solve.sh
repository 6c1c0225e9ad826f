#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("mailing_list.py")
s = p.read_text()
old = '    return list(set(row["email"] for row in rows))\n'
new = '''    emails = []
    seen = set()
    for row in rows:
        email = row["email"].strip().lower()
        if email not in seen:
            seen.add(email)
            emails.append(email)
    return emails
'''
assert old in s
p.write_text(s.replace(old, new, 1))
PY
python3 mailing_list.py signups.csv
