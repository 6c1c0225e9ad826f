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
ZEROS = "orders: 0\nrevenue: 0.00\naverage order: 0.00\nlargest order: 0.00"


def summary(body):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as tmp:
        tmp.write(body)
    out = run("python3", str(Path("summary.py").resolve()), tmp.name, env=ENV)
    os.unlink(tmp.name)
    return out


out = run("python3", "summary.py", "orders-2024-05-04.csv", env=ENV)
check(f"python3 summary.py orders-2024-05-04.csv prints zeros and exits 0: {out.stdout!r} {out.stderr[-300:]!r}",
      out.returncode == 0 and out.stdout.strip() == ZEROS)

empty = summary("")
header = summary("order_id,customer,total\n")
check(f"an empty file and a header-only file both print zeros: {empty.stdout!r} {empty.stderr[-200:]!r} "
      f"{header.stdout!r} {header.stderr[-200:]!r}",
      empty.returncode == 0 and empty.stdout.strip() == ZEROS and header.returncode == 0
      and header.stdout.strip() == ZEROS)

normal = run("python3", "summary.py", "orders-2024-05-03.csv", env=ENV)
one = summary("order_id,customer,total\n7,acme,19.90\n")
check(f"days with orders print what they printed before: {normal.stdout!r} {one.stdout!r} {one.stderr[-200:]!r}",
      normal.returncode == 0
      and normal.stdout.strip() == "orders: 4\nrevenue: 267.74\naverage order: 66.94\nlargest order: 120.50"
      and one.returncode == 0
      and one.stdout.strip() == "orders: 1\nrevenue: 19.90\naverage order: 19.90\nlargest order: 19.90")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
