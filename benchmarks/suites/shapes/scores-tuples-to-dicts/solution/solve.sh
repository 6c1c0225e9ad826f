#!/usr/bin/env bash
set -euo pipefail
sed -i 's/(row\["name"\], int(row\["score"\]))/{"name": row["name"], "score": int(row["score"])}/' data.py
cat > stats.py <<'PY'
def average(rows):
    return sum(row["score"] for row in rows) / len(rows)


def best(rows):
    top = max(rows, key=lambda row: row["score"])
    return f"{top['name']} ({top['score']})"
PY
python3 - <<'PY'
from pathlib import Path
m = Path("main.py")
m.write_text(m.read_text().replace("for name, score in rows:", "for row in rows:")
             .replace('{name:<8}{score:>4}', "{row['name']:<8}{row['score']:>4}"))
PY
