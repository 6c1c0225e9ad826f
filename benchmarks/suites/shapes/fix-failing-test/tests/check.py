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


import sys
sys.path.insert(0, ".")
try:
    from stats.summary import mean, median
    check("median even", median([4, 1, 3, 2]) == 2.5)
    check("median even 2", median([10, 20]) == 15)
    check("median odd", median([7, 1, 3, 5, 9]) == 5)
    check("mean", mean([2, 4]) == 3)
except Exception as error:
    check(f"import and call: {error!r}", False)
check("tests unchanged", "median([4, 1, 3, 2]), 2.5" in (read("tests/test_summary.py") or ""))

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
