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


def report(*argv):
    out = run("python3", "monthly_report.py", *map(str, argv), env=ENV)
    return out, out.returncode == 0 and out.stdout


MAY = """Sales summary: 2024-05
======================
orders:        7
revenue:       526.39
average order: 75.19
top customer:  chen@example.org (230.00)
"""
MAY_ALL = MAY.replace("7\n", "8\n").replace("526.39", "590.39").replace("75.19", "73.79").replace("230.00", "294.00")
out, got = report("data/orders-2024-05.jsonl")
out2, got2 = report("data/orders-2024-05.jsonl", "--with-refunds")
check(f"the May summary has the right numbers:\n{out.stdout}{out.stderr[-400:]}\n{out2.stdout}",
      got == MAY and got2 == MAY_ALL)

with tempfile.TemporaryDirectory() as tmp:
    june = Path(tmp, "orders-2024-06.jsonl")
    june.write_text("\n".join(json.dumps(o) for o in [
        {"id": "B-1", "customer": "Eve@example.org", "created": "2024-06-01T10:00:00", "total": "1200.00"},
        {"id": "B-2", "customer": "finn@example.org", "created": "2024-06-02T10:00:00", "total": "0.99"},
        {"id": "B-3", "customer": "eve@example.org", "created": "2024-06-03T10:00:00", "total": "2500.50", "status": "refunded"},
        {"id": "B-4", "customer": "finn@example.org", "created": "2024-06-09T10:00:00", "total": "1300.01"},
    ]) + "\n\n")
    empty = Path(tmp, "orders-2024-07.jsonl")
    empty.write_text("")
    out, got = report(june)
    out2, got2 = report(empty)
JUNE = """Sales summary: 2024-06
======================
orders:        3
revenue:       2,501.00
average order: 833.66
top customer:  finn@example.org (1,301.00)
"""
EMPTY = """Sales summary: 2024-07
======================
orders:        0
revenue:       0.00
average order: 0.00
top customer:  -
"""
check(f"other months (and an empty export) come out right:\n{out.stdout}{out.stderr[-400:]}\n{out2.stdout}{out2.stderr[-300:]}",
      got == JUNE and got2 == EMPTY)

PROBE = """
from datetime import date
from orders import Order
from summary import summarize
orders = [Order("X1", "gil@example.org", date(2024, 1, 2), 500, "paid"),
          Order("X2", "hal@example.org", date(2024, 1, 3), 700, "paid"),
          Order("X3", "gil@example.org", date(2024, 1, 4), 450, "paid")]
print(sorted(summarize(orders).items()))
print(sorted(summarize([]).items()))
"""
out = run("python3", "-c", PROBE, env=ENV)
check(f"summarize() still works on a list of orders: {out.stdout!r} {out.stderr[-400:]!r}",
      out.stdout == "[('average', 550), ('orders', 3), ('revenue', 1650), ('top_customer', 'gil@example.org'), ('top_spent', 950)]\n"
                    "[('average', 0), ('orders', 0), ('revenue', 0), ('top_customer', None), ('top_spent', 0)]\n")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
