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

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

with tempfile.TemporaryDirectory() as tmp:
    if Path("releases.py").exists():
        shutil.copy("releases.py", tmp)
    shutil.copy(Path(__file__).parent / "test_releases.orig.py", Path(tmp, "test_releases.py"))
    out = run("python3", "-m", "unittest", "test_releases", cwd=tmp, env=ENV)
check(f"python3 -m unittest test_releases passes (with the original tests): {out.stderr[-600:]!r}", out.returncode == 0)

OTHER = [
    {"version": "0.9", "date": "2019-02-01", "summary": "Beta"},
    {"version": "2.0.10", "date": "2022-06-01", "summary": "Tenth patch"},
    {"version": "10.0", "date": "2024-09-09", "summary": "Big rewrite"},
    {"version": "2.0.9", "date": "2022-05-01", "summary": "Ninth patch"},
    {"version": "v2.1", "date": "2022-08-01", "summary": "Plugins"},
    {"version": "2.0", "date": "2022-01-01", "summary": "Two"},
    {"version": "9.12.3", "date": "2024-03-03", "summary": "Last of nine"},
    {"version": "2.0.2", "date": "2022-02-01", "summary": "Second patch"},
]


def line(version, date, summary):
    return f"{version:<8} {date}  {summary}\n"


ROW = {r["version"]: line(r["version"], r["date"], r["summary"]) for r in OTHER}

with tempfile.TemporaryDirectory() as tmp:
    data = Path(tmp, "other releases.json")
    data.write_text(json.dumps(OTHER))
    listed = run("python3", "releases.py", "--file", str(data), "list", env=ENV)
    newest = run("python3", "releases.py", "--file", str(data), "latest", env=ENV)
    after = run("python3", "releases.py", "--file", str(data), "since", "2.0.2", env=ENV)
want_list = "".join(ROW[v] for v in ["10.0", "9.12.3", "v2.1", "2.0.10", "2.0.9", "2.0.2", "2.0", "0.9"])
want_since = "".join(ROW[v] for v in ["2.0.9", "2.0.10", "v2.1", "9.12.3", "10.0"])
check(f"list / latest / since order other versions numerically:\n{listed.stdout}{listed.stderr[-300:]}\n"
      f"{newest.stdout}{after.stdout}{after.stderr[-300:]}",
      listed.stdout == want_list and newest.stdout == ROW["10.0"] and after.stdout == want_since)

show = run("python3", "releases.py", "show", "1.9", env=ENV)
missing = run("python3", "releases.py", "show", "3.1", env=ENV)
check(f"show still prints a release's notes and fails on unknown versions: {show.stdout!r} {show.stderr[-300:]!r} {missing.returncode}",
      show.returncode == 0 and show.stdout == "1.9      2024-03-04  Dry-run mode\n  - New --dry-run option\n  - Colour output\n"
      and missing.returncode == 1 and "no release 3.1" in missing.stderr)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
