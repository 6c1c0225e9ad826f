"""A small to-do list kept in SQLite.

    python3 tasks.py add TITLE [--due YYYY-MM-DD]
    python3 tasks.py list
    python3 tasks.py done ID

Use --db PATH (before the command) for another database than tasks.db.

The schema lives in migrations/NNN_description.sql. Every command first applies
the migrations the database hasn't had yet, in order; PRAGMA user_version holds
the number of the last one applied.
"""
import argparse
import re
import sqlite3
import sys
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migrate(conn):
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    for path in sorted(MIGRATIONS.glob("*.sql")):
        number = int(path.name.split("_", 1)[0])
        if number <= current:
            continue
        conn.executescript(path.read_text())
        conn.execute(f"PRAGMA user_version = {number}")
        conn.commit()


def connect(path):
    conn = sqlite3.connect(path)
    migrate(conn)
    return conn


def add_task(conn, title, due=None):
    cur = conn.execute("INSERT INTO tasks (title, due) VALUES (?, ?)", (title, due))
    conn.commit()
    return cur.lastrowid


def open_tasks(conn):
    return conn.execute(
        "SELECT id, title, due FROM tasks WHERE done_at IS NULL ORDER BY due IS NULL, due, id"
    ).fetchall()


def finish(conn, task_id):
    cur = conn.execute(
        "UPDATE tasks SET done_at = datetime('now') WHERE id = ? AND done_at IS NULL", (task_id,)
    )
    conn.commit()
    return cur.rowcount == 1


def due_date(text):
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}")
    return text


def build_parser():
    parser = argparse.ArgumentParser(description="A small to-do list.")
    parser.add_argument("--db", default="tasks.db", help="database file (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add a task")
    add.add_argument("title")
    add.add_argument("--due", type=due_date, help="due date, YYYY-MM-DD")
    commands.add_parser("list", help="show the open tasks")
    done = commands.add_parser("done", help="mark a task as done")
    done.add_argument("id", type=int)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    conn = connect(args.db)
    if args.command == "add":
        task_id = add_task(conn, args.title, args.due)
        print(f"added #{task_id}")
    elif args.command == "list":
        for task_id, title, due in open_tasks(conn):
            print(f"#{task_id:<3} {due or '-':<10}  {title}")
    elif args.command == "done":
        if not finish(conn, args.id):
            print(f"no open task #{args.id}", file=sys.stderr)
            return 1
        print(f"done #{args.id}")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
