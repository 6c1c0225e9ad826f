import json, os, subprocess, sys
from pathlib import Path

results = []


def check(name, ok):
    results.append((name, bool(ok)))
    print(("PASS " if ok else "FAIL ") + name)


def run(*argv, **kw):
    try:
        return subprocess.run(list(argv), capture_output=True, text=True, timeout=30, **kw)
    except (subprocess.TimeoutExpired, OSError) as error:
        return subprocess.CompletedProcess(list(argv), 124, "", f"could not run: {error!r}")


def read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return None


import shutil, sqlite3, tempfile

HERE = Path(__file__).parent
ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")


def old_tool(db, *args):
    return run("python3", str(HERE / "orig" / "tasks.py"), "--db", str(db), *args, env=ENV)


def tool(db, *args):
    return run("python3", "tasks.py", "--db", str(db), *args, env=ENV)


def listing(db):
    out = tool(db, "list")
    return out.stdout if out.returncode == 0 else f"exit {out.returncode}: {out.stderr[-400:]}"


def column(db, name):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT id, {name} FROM tasks ORDER BY id").fetchall()
    except sqlite3.Error as error:
        return repr(error)
    finally:
        conn.close()


with tempfile.TemporaryDirectory() as tmp:
    db = Path(tmp, "team tasks.db")
    for args in [("add", "Write report", "--due", "2024-05-10"), ("add", "Buy toner"),
                 ("add", "Call plumber", "--due", "2024-05-02"), ("done", "1"),
                 ("add", "Book venue", "--due", "2024-05-20")]:
        old_tool(db, *args)
    before = old_tool(db, "list").stdout
    after = listing(db)
    priorities = column(db, "priority")
    done = column(db, "done_at")
    check(f"an existing version-2 database is upgraded: tasks kept, priority 2: {priorities} {done}\n{before}{after}",
          before == "#3   2024-05-02  Call plumber\n#4   2024-05-20  Book venue\n#2   -           Buy toner\n"
          and after == before and priorities == [(1, 2), (2, 2), (3, 2), (4, 2)]
          and isinstance(done, list) and done[0][1] is not None and all(d is None for _, d in done[1:]))

    adds = [tool(db, "add", "Renew TLS cert", "--priority", "1", "--due", "2024-06-01"),
            tool(db, "add", "Tidy wiki", "--priority", "3", "--due", "2024-04-01"),
            tool(db, "add", "Fix login bug", "--priority", "1"),
            tool(db, "add", "Order chairs", "--due", "2024-05-05"),
            tool(db, "add", "Pay invoice", "--due", "2024-05-28", "--priority", "1")]
    got = listing(db)
    want = """#9   2024-05-28  Pay invoice
#5   2024-06-01  Renew TLS cert
#7   -           Fix login bug
#3   2024-05-02  Call plumber
#8   2024-05-05  Order chairs
#4   2024-05-20  Book venue
#2   -           Buy toner
#6   2024-04-01  Tidy wiki
"""
    check(f"--priority is stored and list sorts by priority, then due date:\n{got}\n{[a.stderr[-200:] for a in adds if a.returncode]}",
          all(a.returncode == 0 for a in adds) and got == want
          and column(db, "priority") == [(1, 2), (2, 2), (3, 2), (4, 2), (5, 1), (6, 3), (7, 1), (8, 2), (9, 1)])

    fresh = Path(tmp, "fresh.db")
    outs = [tool(fresh, *args) for args in [
        ("add", "Water plants", "--due", "2024-07-02"), ("add", "Read book"),
        ("add", "Dentist", "--due", "2024-06-30"), ("done", "1")]]
    missing = tool(fresh, "done", "1")
    bad = tool(fresh, "add", "Oops", "--due", "June")
    got = listing(fresh)
    check(f"a fresh database, add without --priority, done and list work as before:\n{got}{[o.stdout for o in outs]} {missing.returncode} {bad.returncode}",
          [o.stdout for o in outs] == ["added #1\n", "added #2\n", "added #3\n", "done #1\n"]
          and got == "#3   2024-06-30  Dentist\n#2   -           Read book\n"
          and missing.returncode == 1 and bad.returncode == 2)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
