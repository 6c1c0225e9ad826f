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


lines = [l.strip() for l in (read("requirements.txt") or "").splitlines() if l.strip()]
check("requests added", "requests>=2.31" in lines)
check("the others kept", all(x in lines for x in ["click>=8.1", "numpy>=1.26", "pyyaml>=6.0", "rich>=13.7"]))
check("sorted", lines == sorted(lines, key=str.lower) and len(lines) == 5)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
