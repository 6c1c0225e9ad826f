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


import shutil, tempfile
with tempfile.TemporaryDirectory() as tmp:
    if Path("backup.sh").exists():
        shutil.copy("backup.sh", tmp)
    Path(tmp, "a.txt").write_text("a\n")
    Path(tmp, "b.txt").write_text("b\n")
    Path(tmp, "c.md").write_text("c\n")
    out = run("bash", "backup.sh", cwd=tmp)
    check("backup.sh exits 0", out.returncode == 0)
    copied = sorted(p.name for p in Path(tmp, "backup").glob("*")) if Path(tmp, "backup").is_dir() else []
    check("copies the .txt files only", copied == ["a.txt", "b.txt"])

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
