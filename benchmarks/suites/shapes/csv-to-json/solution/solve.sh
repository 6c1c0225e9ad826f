#!/usr/bin/env bash
set -euo pipefail
cat > convert.py <<'EOF'
import csv, json
with open("people.csv") as f:
    rows = [{"name": r["name"], "age": int(r["age"])} for r in csv.DictReader(f)]
with open("people.json", "w") as f:
    json.dump(rows, f)
EOF
python3 convert.py
