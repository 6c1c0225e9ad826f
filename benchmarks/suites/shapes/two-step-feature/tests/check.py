import json, os, subprocess, sys
from pathlib import Path

results = []


def check(name, ok):
    results.append((name, bool(ok)))
    print(("PASS " if ok else "FAIL ") + name)


def run(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=30, **kw)


def read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return None


import csv
import shutil
import tempfile

DATA = [
    {"url": "https://git-scm.com/book", "title": "Pro Git", "tags": ["git", "reference"]},
    {"url": "https://docs.python.org/3/library/csv.html", "title": "csv, CSV File Reading", "tags": ["python"]},
    {"url": "https://www.postgresql.org/docs/", "title": "PostgreSQL docs", "tags": ["sql"]},
]


def read_csv(path):
    try:
        with open(path, newline="") as f:
            return list(csv.reader(f))
    except OSError as error:
        return repr(error)


with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp) / "w"
    shutil.copytree(".", folder, ignore=shutil.ignore_patterns("__pycache__"))
    db = Path(tmp) / "mine.json"
    db.write_text(json.dumps(DATA))
    env = dict(os.environ, BOOKMARKS_FILE=str(db))
    added = run("python3", "cli.py", "add", "https://realpython.com/python-logging/", "Logging in Python",
                "--tag", "python", "--tag", "howto", cwd=folder, env=env)
    out = run("python3", "cli.py", "export", "all.csv", cwd=folder, env=env)
    got = read_csv(folder / "all.csv")
    print(added.stdout + added.stderr[-300:] + out.stdout + out.stderr[-500:], got)
    header = ["url", "title", "tags"]
    check("export writes every bookmark (one just added too) as CSV",
          out.returncode == 0 and got == [header] + [[b["url"], b["title"], " ".join(b["tags"])] for b in DATA]
          + [["https://realpython.com/python-logging/", "Logging in Python", "howto python"]])
    out = run("python3", "cli.py", "export", "py.csv", "--tag", "python", cwd=folder, env=env)
    got = read_csv(folder / "py.csv")
    print(out.stdout + out.stderr[-500:], got)
    check("export --tag python writes only the python bookmarks",
          out.returncode == 0 and got == [header, [DATA[1]["url"], DATA[1]["title"], "python"],
                                          ["https://realpython.com/python-logging/", "Logging in Python", "howto python"]])
    probe = run("python3", "-c", f"""
import json, store
data = json.loads({json.dumps(json.dumps(DATA))})
store.write_csv(data, "a.csv")
store.write_csv(data, "b.csv", tag="reference")
store.write_csv(data, "c.csv", tag="sql")
""", cwd=folder)
    print(probe.stderr[-500:])
    a, b, c = (read_csv(folder / n) for n in ("a.csv", "b.csv", "c.csv"))
    check("store.write_csv(bookmarks, path, tag=...) filters; without tag it writes them all",
          probe.returncode == 0 and isinstance(a, list) and len(a) == 4
          and b == [header, [DATA[0]["url"], DATA[0]["title"], "git reference"]]
          and c == [header, [DATA[2]["url"], DATA[2]["title"], "sql"]])
    listed = run("python3", "cli.py", "list", "--tag", "sql", cwd=folder, env=env)
    check("list still works next to export",
          listed.stdout == "PostgreSQL docs  <https://www.postgresql.org/docs/>  [sql]\n"
          and (folder / "py.csv").exists())

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
