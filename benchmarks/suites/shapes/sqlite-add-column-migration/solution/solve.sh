#!/usr/bin/env bash
set -euo pipefail
cat > migrations/003_add_priority.sql <<'SQL'
-- 1 = urgent, 2 = normal, 3 = low
ALTER TABLE tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 2;
SQL
python3 - <<'PY'
from pathlib import Path
p = Path("tasks.py")
s = p.read_text()
for old, new in [
    ('''def add_task(conn, title, due=None):
    cur = conn.execute("INSERT INTO tasks (title, due) VALUES (?, ?)", (title, due))''',
     '''def add_task(conn, title, due=None, priority=2):
    cur = conn.execute(
        "INSERT INTO tasks (title, due, priority) VALUES (?, ?, ?)", (title, due, priority)
    )'''),
    ("ORDER BY due IS NULL, due, id", "ORDER BY priority, due IS NULL, due, id"),
    ('''    add.add_argument("--due", type=due_date, help="due date, YYYY-MM-DD")
''', '''    add.add_argument("--due", type=due_date, help="due date, YYYY-MM-DD")
    add.add_argument("--priority", type=int, choices=[1, 2, 3], default=2,
                     help="1 (urgent), 2 (normal, the default) or 3 (low)")
'''),
    ("add_task(conn, args.title, args.due)", "add_task(conn, args.title, args.due, args.priority)"),
]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
D=$(mktemp -d)
python3 tasks.py --db "$D/t.db" add "Renew TLS cert" --priority 1 --due 2024-06-01
python3 tasks.py --db "$D/t.db" list
rm -rf "$D"
