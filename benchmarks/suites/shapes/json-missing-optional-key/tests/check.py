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



import tempfile

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

WANT = """#1001 Ana Lima          3 items     19.80  SPRING10
      note: leave at the door
#1002 Ben Okafor        3 items     24.00
#1003 Chen Wei          1 items      4.50
      note: gift wrap please
#1004 Dora Nagy         6 items     30.98
#1005 Eli Park          1 items     39.20  VIP20
5 orders, 118.48 in total
"""
out = run("python3", "orders_report.py", "orders.json", env=ENV)
check(f"python3 orders_report.py orders.json prints the whole report:\n{out.stdout}{out.stderr[-400:]}",
      out.returncode == 0 and out.stdout == WANT)


def item(qty, cents):
    return {"sku": "X", "qty": qty, "price_cents": cents}


ORDERS = [
    {"id": 7, "customer": {"name": "Fay"}, "items": [item(1, 1000)], "coupon": "VIP20"},
    {"id": 8, "customer": {"name": "Gus"}, "items": [item(2, 250), item(1, 99)], "note": "ring twice"},
    {"id": 9, "customer": {"name": "Hal"}, "items": [item(1, 500)], "coupon": None},
    {"id": 10, "customer": {"name": "Ivy"}, "items": [item(3, 100)]},
    {"id": 11, "customer": {"name": "Jo"}, "items": [item(1, 2000)], "coupon": "SPRING10", "note": None},
    {"id": 12, "customer": {"name": "Kim"}, "items": [item(1, 300)], "coupon": "NOPE", "note": "hi"},
]
WANT = """#7 Fay               1 items      8.00  VIP20
#8 Gus               3 items      5.99
      note: ring twice
#9 Hal               1 items      5.00
#10 Ivy               3 items      3.00
#11 Jo                1 items     18.00  SPRING10
#12 Kim               1 items      3.00  NOPE
      note: hi
6 orders, 42.99 in total
"""
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tmp:
    json.dump(ORDERS, tmp)
out = run("python3", "orders_report.py", tmp.name, env=ENV)
os.unlink(tmp.name)
check(f"orders missing coupon or note (or both) print like those with null:\n{out.stdout}{out.stderr[-400:]}",
      out.returncode == 0 and out.stdout == WANT)

ALL_NULL = [dict(o, coupon=o.get("coupon"), note=o.get("note")) for o in ORDERS]
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tmp:
    json.dump(ALL_NULL, tmp)
out = run("python3", "orders_report.py", tmp.name, env=ENV)
os.unlink(tmp.name)
check(f"the same orders sent with nulls give the same report:\n{out.stdout}{out.stderr[-400:]}",
      out.returncode == 0 and out.stdout == WANT)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
