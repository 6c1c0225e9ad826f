import json, os, subprocess, sys
from pathlib import Path

results = []


def check(name, ok):
    results.append((name, bool(ok)))
    print(("PASS " if ok else "FAIL ") + name)


def run(*argv, **kw):
    try:
        return subprocess.run(list(argv), capture_output=True, text=True, timeout=30, **kw)
    except (subprocess.TimeoutExpired, OSError) as error:
        return subprocess.CompletedProcess(list(argv), 124, "", f"could not run: {error!r}")


def read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return None


import shutil, tempfile

SCRIPT = Path("ext_report.py").resolve()


def report(directory, cwd=None):
    out = run("python3", str(SCRIPT), str(directory), cwd=cwd, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    lines = [line.rstrip("\r\n ") for line in out.stdout.strip("\n").split("\n")] if out.stdout.strip() else []
    return out.returncode, lines, out.stderr[-300:]


def tree(root, files):
    for name, size in files.items():
        path = Path(root, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)


with tempfile.TemporaryDirectory() as tmp:
    shutil.copytree(Path(__file__).parent / "sample", Path(tmp, "sample"))
    got = report("sample", cwd=tmp)
    check(f"python3 ext_report.py sample prints the example: {got!r}",
          got[0] == 0 and got[1] == [".md\t3\t107", ".svg\t1\t99", ".py\t3\t93", ".gz\t1\t48", "(none)\t1\t26"])
with tempfile.TemporaryDirectory() as tmp:
    tree(tmp, {"a/b/c/deep.JSON": 500, "a/top.json": 20, "Notes.Txt": 7, "LICENSE": 1000, "bin/run": 30,
               "build.d/out.o": 250, "build.d/main.o": 250, "x.backup.tar": 90, "img/photo.jpeg": 4000})
    got = report(tmp)
    check(f"recursive, lowercased extensions, files only, last dot: {got!r}",
          got[0] == 0 and got[1] == [".jpeg\t1\t4000", "(none)\t2\t1030", ".json\t2\t520", ".o\t2\t500",
                                     ".tar\t1\t90", ".txt\t1\t7"])
with tempfile.TemporaryDirectory() as tmp:
    tree(tmp, {"z.csv": 300, "m.sql": 100, "n.sql": 200, "q/a.log": 300, "r.c": 5, "s.h": 5, "t.cfg": 0})
    got = report(tmp)
    check(f"equal totals are sorted by extension name: {got!r}",
          got[0] == 0 and got[1] == [".csv\t1\t300", ".log\t1\t300", ".sql\t2\t300", ".c\t1\t5", ".h\t1\t5",
                                     ".cfg\t1\t0"])

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
