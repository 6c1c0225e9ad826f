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


def sales(path, start, end):
    out = run("python3", "sales.py", str(path), "--from", start, "--to", end, env=ENV)
    return out, (out.stdout if out.returncode == 0 else None)


out, got = sales("orders.csv", "2024-05-01", "2024-05-31")
check(f"the May report counts May 31 too:\n{out.stdout}{out.stderr[-300:]}",
      got == "2024-05-01 to 2024-05-31\norders:    13\ncustomers: 9\nrevenue:   548.62\nbusiest:   2024-05-31 (3 orders)\n")

ROWS = """id,created_at,customer,amount_cents
1,2024-06-01 23:59:59.900000,a,100
2,2024-06-02 00:00:00,b,200
3,2024-06-02 12:00:00,c,400
4,2024-06-02 23:59:59.999999,d,800
5,2024-06-03 00:00:00,e,1600
6,2024-06-03 00:00:00.000001,f,3200
"""
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as tmp:
    tmp.write(ROWS)
day = sales(tmp.name, "2024-06-02", "2024-06-02")
two = sales(tmp.name, "2024-06-01", "2024-06-02")
span = sales(tmp.name, "2024-06-02", "2024-06-03")
empty = sales(tmp.name, "2024-06-05", "2024-06-09")
os.unlink(tmp.name)
check(f"a one-day range is that whole day and nothing else:\n{day[0].stdout}{day[0].stderr[-300:]}",
      day[1] == "2024-06-02 to 2024-06-02\norders:    3\ncustomers: 3\nrevenue:   14.00\nbusiest:   2024-06-02 (3 orders)\n")
check(f"other ranges include both end days, to the last microsecond:\n{two[0].stdout}{span[0].stdout}{empty[0].stdout}"
      f"{two[0].stderr[-300:]}",
      two[1] == "2024-06-01 to 2024-06-02\norders:    4\ncustomers: 4\nrevenue:   15.00\nbusiest:   2024-06-02 (3 orders)\n"
      and span[1] == "2024-06-02 to 2024-06-03\norders:    5\ncustomers: 5\nrevenue:   62.00\nbusiest:   2024-06-02 (3 orders)\n"
      and empty[1] == "2024-06-05 to 2024-06-09\norders:    0\ncustomers: 0\nrevenue:   0.00\n")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
