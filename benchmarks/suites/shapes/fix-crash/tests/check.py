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


out = run("python3", "report.py")
check("prints Total: 42", out.returncode == 0 and out.stdout.strip() == "Total: 42")
probe = run("python3", "-c", "from report import summary; print(summary([{'item': 'x', 'qty': 5}]))")
check("summary works on other orders", probe.stdout.strip() == "Total: 5")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
