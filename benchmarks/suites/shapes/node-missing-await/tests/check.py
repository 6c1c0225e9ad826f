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

LOGS_WANT = {
    "files": 2, "entries": 11, "errors": 2,
    "levels": {"INFO": 6, "WARN": 2, "ERROR": 2, "DEBUG": 1},
    "services": {"api": 6, "mailer": 4, "payments": 1},
    "firstError": {"time": "2024-05-02T10:01:20Z", "service": "payments",
                   "message": "card declined for order 1042"},
}


def summary_of(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


with tempfile.TemporaryDirectory() as tmp:
    work = Path(tmp, "w")
    shutil.copytree(".", work, ignore=shutil.ignore_patterns("summary.json", "node_modules"))
    shutil.rmtree(work / "logs", ignore_errors=True)
    shutil.copytree(Path(__file__).parent / "logs", work / "logs")
    out = run("node", "summarize.js", "logs", cwd=work)
    got = summary_of(work / "summary.json")
    check(f"node summarize.js logs prints the overview and writes summary.json: {out.stdout!r} {out.stderr[-400:]!r} {got}",
          out.returncode == 0 and out.stdout.strip() == "11 entries in 2 files, 2 errors" and got == LOGS_WANT)

    other = Path(tmp, "other logs")
    other.mkdir()
    (other / "a.log").write_text("2024-06-01T08:00:00Z INFO web: up\n"
                                 "2024-06-01T08:10:00Z ERROR web: disk full\n"
                                 "not a log line\n"
                                 "2024-06-01T08:11:00Z ERROR db: replica lag\n")
    (other / "b.log").write_text("2024-06-01T07:59:00Z ERROR db: connection refused\n")
    (other / "notes.txt").write_text("2024-06-01T07:00:00Z ERROR ignored: not a .log file\n")
    target = Path(tmp, "out dir", "report.json")
    target.parent.mkdir()
    out = run("node", "summarize.js", str(other), str(target), cwd=work)
    want = {"files": 2, "entries": 4, "errors": 3, "levels": {"INFO": 1, "ERROR": 3},
            "services": {"web": 2, "db": 2},
            "firstError": {"time": "2024-06-01T07:59:00Z", "service": "db", "message": "connection refused"}}
    empty = Path(tmp, "empty")
    empty.mkdir()
    out_empty = run("node", "summarize.js", str(empty), str(Path(tmp, "empty.json")), cwd=work)
    got = summary_of(Path(tmp, "empty.json"))
    got_other = summary_of(target)
    check(f"other logs with an OUT path, and an empty folder: {out.stdout!r} {out.stderr[-400:]!r} {got_other} {out_empty.stdout!r} {got}",
          out.returncode == 0 and out.stdout.strip() == "4 entries in 2 files, 3 errors" and got_other == want
          and out_empty.returncode == 0 and out_empty.stdout.strip() == "0 entries in 0 files, 0 errors"
          and got is not None and got.get("entries") == 0 and got.get("firstError") is None)

    usage = run("node", "summarize.js", cwd=work)
    check(f"without LOGDIR it still prints the usage and exits 2: {usage.returncode} {usage.stderr[-200:]!r}",
          usage.returncode == 2 and "usage: node summarize.js LOGDIR [OUT]" in usage.stderr)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
