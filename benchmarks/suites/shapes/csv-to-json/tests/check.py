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


try:
    data = json.loads(read("people.json") or "")
except ValueError:
    data = None
check("people.json is the rows", data == [{"name": "Ada", "age": 36}, {"name": "Linus", "age": 28}, {"name": "Grace", "age": 85}])
import shutil, tempfile
with tempfile.TemporaryDirectory() as tmp:
    if Path("convert.py").exists():
        shutil.copy("convert.py", tmp)
    Path(tmp, "people.csv").write_text("name,age\nBob,7\n")
    run("python3", "convert.py", cwd=tmp)
    try:
        again = json.loads(Path(tmp, "people.json").read_text())
    except (OSError, ValueError):
        again = None
    check("convert.py works on other rows", again == [{"name": "Bob", "age": 7}])

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
