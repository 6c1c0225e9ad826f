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


import hashlib
import sys
sys.path.insert(0, ".")
out = run("python3", "-m", "unittest", "test_ledger")
check("python3 -m unittest test_ledger passes", out.returncode == 0 and "OK" in out.stderr)
try:
    import ledger
    items = list(range(45))
    ok = (ledger.paginate(items, 1, 20) == list(range(20))
          and ledger.paginate(items, 2, 20) == list(range(20, 40))
          and ledger.paginate(items, 3, 20) == [40, 41, 42, 43, 44]
          and ledger.paginate(items, 4, 20) == [])
    try:
        ledger.paginate(items, 0, 20)
        ok = False
    except ValueError:
        pass
    check("paginate pages from 1 on other lists", ok)
    entries = ledger.read_entries(["date,description,category,amount,tags\n",
                                   "2024-05-02,Coffee,food,-3.50,\n",
                                   "2024-05-01,Pay,income,100,\n"])
    check("the rest of ledger.py still works",
          ledger.format_amount(-123456) == "-$1,234.56" and ledger.parse_amount("7.5") == 750
          and ledger.page_count(items, 20) == 3 and ledger.balance(entries) == 9650
          and [e.description for e in entries] == ["Pay", "Coffee"]
          and ledger.Budget("food", 300).over(entries, 2024, 5))
except Exception as error:
    check(f"import ledger: {error!r}", False)
digest = hashlib.sha256((read("test_ledger.py") or "").encode()).hexdigest()
check("test_ledger.py unchanged", digest == "19d264a08d0780fea66db498c4bdbb72e2fb5869fba39366bbe8ce203099e95c")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
