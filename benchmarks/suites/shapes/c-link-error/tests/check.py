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

CASES = [
    (["2", "4", "4", "4", "5", "5", "7", "9"], "n=8 min=2.00 max=9.00 mean=5.00 stddev=2.00"),
    (["3", "1", "4", "1", "5"], "n=5 min=1.00 max=5.00 mean=2.80 stddev=1.60"),
    (["-2.5", "10"], "n=2 min=-2.50 max=10.00 mean=3.75 stddev=6.25"),
    (["7"], "n=1 min=7.00 max=7.00 mean=7.00 stddev=0.00"),
]

with tempfile.TemporaryDirectory() as tmp:
    work = Path(tmp) / "w"
    try:
        shutil.copytree(".", work, ignore=shutil.ignore_patterns("*.o", "stats"))
    except OSError as error:
        print(f"could not copy the workspace: {error!r}")
        work.mkdir(exist_ok=True)
    build = run("make", cwd=work)
    binary = work / "stats"
    check(f"make builds ./stats from a clean tree (exit {build.returncode}): {build.stderr[-300:]!r}",
          build.returncode == 0 and binary.is_file())

    def stats(args):
        if not binary.is_file():
            return None
        out = run(str(binary), *args, cwd=work)
        return out.returncode, out.stdout.strip()

    got = stats(CASES[0][0])
    check(f"./stats 2 4 4 4 5 5 7 9 prints the expected line: {got!r}", got == (0, CASES[0][1]))
    others = [(args, stats(args)) for args, _ in CASES[1:]]
    usage = stats([])
    bad = stats(["1", "x"])
    check(f"other inputs, usage and bad numbers behave as before: {others!r} {usage!r} {bad!r}",
          all(got == (0, want) for (_, got), (_, want) in zip(others, CASES[1:]))
          and usage is not None and usage[0] == 2 and bad is not None and bad[0] == 2)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
