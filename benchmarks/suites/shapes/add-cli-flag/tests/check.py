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


words = run("python3", "wc.py", "sample.txt")
check("words still counted", words.stdout.strip() == "6")
lines = run("python3", "wc.py", "--lines", "sample.txt")
check("--lines counts lines", lines.stdout.strip() == "3")
Path("/tmp/reins-shape-wc.txt").write_text("a b\nc\nd e f\ng\n")
other = run("python3", "wc.py", "--lines", "/tmp/reins-shape-wc.txt")
check("--lines on another file", other.stdout.strip() == "4")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
