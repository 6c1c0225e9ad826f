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


ORIGINAL_TEST = (Path(__file__).parent / "test_service.orig.py").read_text()

out = run("python3", "-m", "unittest", "-q")
check(f"python3 -m unittest -q passes, tests unchanged: {out.stderr.strip()[-200:]!r}",
      out.returncode == 0 and "Ran 3 tests" in out.stderr and read("tests/test_service.py") == ORIGINAL_TEST)
probe = run("python3", "-c", "from helper import parse_amount as p; "
            "print(p('$1,234.50'), p('(12.00)'), p('($2,000.10)'), p('7'), p(' 1,000,000 '))")
check(f"parse_amount handles thousands separators: {probe.stdout.strip() or probe.stderr.strip()[-200:]!r}",
      probe.stdout.split() == ["1234.5", "-12.0", "-2000.1", "7.0", "1000000.0"])
svc = run("python3", "-c", "from service import statement_total, largest_expense as le; "
          "rows = ['d;Car;($12,500.00)', 'd;Bonus;$3,000.25', 'd;Bike;(950.00)']; print(statement_total(rows), le(rows))")
check(f"service works on other statements: {svc.stdout.strip() or svc.stderr.strip()[-200:]!r}",
      svc.stdout.strip() == "-10449.75 Car")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
