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


import tempfile

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
SCRIPT = str(Path("check_configs.py").resolve())


def check_folder(files):
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in files.items():
            Path(tmp, name).write_text(body)
        return run("python3", SCRIPT, tmp, env=ENV)


out = run("python3", "check_configs.py", "configs/", env=ENV)
want = ("ok    api.json\nERROR billing.json: port 80 is not between 1024 and 65535\nok    worker.json\n"
        "3 file(s) checked, 1 with errors\n")
check(f"python3 check_configs.py configs/ exits 1 and prints the same report: rc={out.returncode} {out.stdout!r} "
      f"{out.stderr[-300:]!r}", out.returncode == 1 and out.stdout == want)

good = check_folder({"a.json": '{"name": "a", "port": 8000, "replicas": 1}',
                     "b.json": '{"name": "b", "port": 65535, "replicas": 2, "extra": true}'})
check(f"exits 0 when every config is fine: rc={good.returncode} {good.stdout!r} {good.stderr[-300:]!r}",
      good.returncode == 0 and good.stdout == "ok    a.json\nok    b.json\n2 file(s) checked, 0 with errors\n")

bad = check_folder({"a.json": '{"name": "a", "port": 8000, "replicas": 1}',
                    "broken.json": '{"name": "x",\n "port": }',
                    "c.json": '{"name": "c", "replicas": 0}'})
lines = bad.stdout.splitlines()
check(f"exits 1 for invalid JSON and missing keys, same messages: rc={bad.returncode} {bad.stdout!r} "
      f"{bad.stderr[-300:]!r}",
      bad.returncode == 1 and len(lines) == 5 and lines[0] == "ok    a.json"
      and lines[1].startswith("ERROR broken.json: invalid JSON: ")
      and lines[2:] == ["ERROR c.json: missing key 'port'", "ERROR c.json: replicas must be a positive integer, got 0",
                        "3 file(s) checked, 2 with errors"])

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
