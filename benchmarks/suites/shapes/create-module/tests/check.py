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
out = run("python3", "-m", "unittest", "test_roman")
check("python3 -m unittest test_roman passes", out.returncode == 0 and "OK" in out.stderr)
try:
    from roman import from_roman, to_roman
    known = {2: "II", 14: "XIV", 49: "XLIX", 444: "CDXLIV", 999: "CMXCIX", 2024: "MMXXIV", 3888: "MMMDCCCLXXXVIII"}
    check("to_roman on other numbers", all(to_roman(n) == r for n, r in known.items()))
    check("round trip 1..3999", all(from_roman(to_roman(n)) == n for n in range(1, 4000)))
except Exception as error:
    check(f"import roman: {error!r}", False)
digest = hashlib.sha256((read("test_roman.py") or "").encode()).hexdigest()
check("test_roman.py unchanged", digest == "9b301d0b1272a2fdda4d3850834128a5e766006c4155e810fff17095bcea4fa5")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
