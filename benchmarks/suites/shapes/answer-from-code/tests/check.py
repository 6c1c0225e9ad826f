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


here = Path(__file__).parent
text = read("answer.txt")
check("answer.txt exists", text is not None)
try:
    value = float((text or "").strip().strip("`").replace("€", "").replace("EUR", "").strip())
except ValueError:
    value = None
check(f"it holds 23.49 (got {(text or '').strip()[:40]!r})", value is not None and abs(value - 23.49) < 1e-9)
check("rates.py and shipping.py untouched",
      read("rates.py") == (here / "rates.orig.py").read_text()
      and read("shipping.py") == (here / "shipping.orig.py").read_text())

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
