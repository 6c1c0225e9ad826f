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
    from inventory import Inventory
    inv = Inventory()
    check("empty is 0", inv.total_quantity() == 0)
    inv.add("a", 5); inv.add("b", 2); inv.remove("a", 5)
    check("after changes", inv.total_quantity() == 2)
    inv.add("c", 10)
    check("sums every name", inv.total_quantity() == 12)
except Exception as error:
    check(f"inventory works: {error!r}", False)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
