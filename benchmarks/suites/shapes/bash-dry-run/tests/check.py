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


import shlex, shutil, tempfile

here = Path(__file__).parent
FILES = {"app.log": "today\n", "app.log.1": "yesterday\n", "app.log.2": "two days ago\n",
         "app.log.3": "three days ago\n", "worker.log": "jobs\n", "notes.txt": "not a log\n"}


def setup(root):
    logs = Path(root, "logs")
    logs.mkdir()
    for name, text in FILES.items():
        (logs / name).write_text(text)
    return logs


def snapshot(logs):
    return {p.name: p.read_text() for p in sorted(logs.iterdir())}


def rotate(script, root, *args):
    return run("bash", str(script), *args, cwd=root)


script = Path("rotate.sh").resolve()
with tempfile.TemporaryDirectory() as tmp:
    logs = setup(tmp)
    out = rotate(script, tmp, "--dry-run", "logs") if script.is_file() else None
    after = snapshot(logs)
said = [] if out is None else [l[len("would run:"):].strip() for l in out.stdout.splitlines()
                               if l.startswith("would run:")]
check(f"--dry-run exits 0, changes no file and prints would run: lines: {out and out.stdout!r}",
      out is not None and out.returncode == 0 and after == FILES and said)
moves = set()
for command in said:
    try:
        argv = shlex.split(command)
    except ValueError:
        continue
    if argv[:1] == ["mv"]:
        moves.add(tuple(argv[1:]))
want = {("logs/app.log.2", "logs/app.log.3"), ("logs/app.log.1", "logs/app.log.2"),
        ("logs/app.log", "logs/app.log.1"), ("logs/worker.log", "logs/worker.log.1")}
check(f"it lists exactly the renames a real run would do: {sorted(moves)}", moves == want)

with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as ref:
    logs, ref_logs = setup(tmp), setup(ref)
    out = rotate(script, tmp, "logs")
    expected = rotate(here / "rotate.orig.sh", ref, "logs")
    got, want_files = snapshot(logs), snapshot(ref_logs)
    check(f"without the flag it rotates as before: {got!r} {out.stdout!r}",
          out.returncode == 0 and got == want_files and out.stdout == expected.stdout)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
