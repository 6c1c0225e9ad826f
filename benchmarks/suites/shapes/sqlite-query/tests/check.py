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


import re
import shutil
import sqlite3
import tempfile

HERE = Path(__file__).parent
LINE = re.compile(r"^\s*(\d+)\.\s+(.+?)\s+(\d+) orders\s+(\$[\d,]+\.\d\d)\s*$")


def expected(db, limit=5):
    conn = sqlite3.connect(db)
    rows = conn.execute("""SELECT c.name, COUNT(*), SUM(o.total_cents) FROM customers c
        JOIN orders o ON o.customer_id = c.id WHERE o.status <> 'cancelled'
        GROUP BY c.id ORDER BY 3 DESC, c.name LIMIT ?""", (limit,)).fetchall()
    conn.close()
    return [(str(i), name, str(n), f"${cents / 100:,.2f}") for i, (name, n, cents) in enumerate(rows, 1)]


def report(folder):
    out = run("python3", "report.py", cwd=folder)
    rows = [m.groups() for m in map(LINE.match, out.stdout.splitlines()) if m]
    if out.returncode:
        print(out.stderr[-500:])
    return rows


def other_db(path):
    conn = sqlite3.connect(path)
    conn.executescript(open(HERE / "seed.orig.py").read().split('conn.executescript("""')[1].split('""")')[0])
    names = ["Ava Stone", "Ben Ortiz", "Cleo Park", "Dev Mehta", "Ema Novak", "Finn Walsh",
             "Gia Conti", "Hugo Berg", "Isla Reid"]
    conn.executemany("INSERT INTO customers VALUES (?, ?, ?)",
                     [(i, n, n.split()[0].lower() + "@example.com") for i, n in enumerate(names, 1)])
    orders = [  # customer 8 only ever cancelled; 9 cancelled one huge order
        (1, 1, 40_000, "paid"), (2, 1, 900, "cancelled"), (3, 2, 35_000, "shipped"),
        (4, 2, 9_000, "shipped"), (5, 3, 20_000, "paid"), (6, 4, 15_000, "shipped"),
        (7, 4, 100_000, "cancelled"), (8, 5, 12_000, "paid"), (9, 6, 11_000, "shipped"),
        (10, 7, 10_000, "paid"), (11, 8, 500_000, "cancelled"), (12, 8, 250_000, "cancelled"),
        (13, 9, 300_000, "cancelled"), (14, 9, 13_500, "paid"), (15, 3, 1_000, "cancelled"),
        (16, 5, 1_999, "shipped"),
    ]
    conn.executemany("INSERT INTO orders VALUES (?, ?, '2024-04-01', ?, ?)", orders)
    conn.commit()
    conn.close()


with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp) / "w"
    shutil.copytree(".", folder, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    seeded = run("python3", str(HERE / "seed.orig.py"), cwd=folder)
    want, got = expected(folder / "shop.db"), report(folder)
    print("want", want)
    print("got ", got)
    check("sample data: same customers in the same order",
          [r[1] for r in got] == [r[1] for r in want])
    check("sample data: order counts and amounts without cancelled orders", got == want)
    (folder / "shop.db").unlink()
    other_db(folder / "shop.db")
    want, got = expected(folder / "shop.db"), report(folder)
    print("want", want)
    print("got ", got)
    check("other data: the report leaves cancelled orders out", got == want)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
