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
DATA = """# test data
2024-06-01T06:00 north 10.5

2024-06-01T12:00 north 21.0
   2024-06-01T12:00 south 22.25
"""
WANT = ("[(datetime.datetime(2024, 6, 1, 6, 0), 'north', 10.5), (datetime.datetime(2024, 6, 1, 12, 0), 'north', 21.0), "
        "(datetime.datetime(2024, 6, 1, 12, 0), 'south', 22.25)]")

with tempfile.TemporaryDirectory() as tmp:
    log = Path(tmp, "june sensors.log")
    log.write_text(DATA, encoding="utf-8")
    PROBE = """
import datetime, io, sys
from readings import load_readings
def rows(readings):
    return [(r.time, r.sensor, r.celsius) for r in readings]
buf = io.StringIO(sys.argv[2])
got = rows(load_readings(buf))
print(got)
print("stringio closed:", buf.closed)
with open(sys.argv[1], encoding="utf-8") as f:
    got = rows(load_readings(f))
    print(got)
    print("file closed:", f.closed)
"""
    out = run("python3", "-c", PROBE, str(log), DATA, env=ENV)
    check(f"an io.StringIO or an open file can be passed, and is left open: {out.stdout!r} {out.stderr[-400:]!r}",
          out.stdout == f"{WANT}\nstringio closed: False\n{WANT}\nfile closed: False\n")

    PROBE = """
import io, sys
from readings import load_readings
readings = load_readings(sys.stdin)
print(len(readings), readings[-1].sensor, readings[-1].celsius, sys.stdin.closed)
try:
    load_readings(io.StringIO("2024-06-01T06:00 north 10.5\\n2024-06-01T07:00 north\\n"))
except ValueError:
    print("ValueError")
"""
    with open(log, encoding="utf-8") as stdin:
        out = run("python3", "-c", PROBE, stdin=stdin, env=ENV)
    check(f"sys.stdin can be passed, and bad lines in a stream still raise ValueError: {out.stdout!r} {out.stderr[-400:]!r}",
          out.stdout == "3 south 22.25 False\nValueError\n")

    PROBE = """
import pathlib, sys
from readings import load_readings
print(len(load_readings(sys.argv[1])), len(load_readings(pathlib.Path(sys.argv[1]))))
try:
    load_readings(sys.argv[2])
except ValueError as error:
    print(error)
"""
    bad = Path(tmp, "bad.log")
    bad.write_text("2024-06-01T06:00 north 10.5\n\n2024-06-01T07:00 north warm\n", encoding="utf-8")
    out = run("python3", "-c", PROBE, str(log), str(bad), env=ENV)
    cli = run("python3", "daily_stats.py", str(log), env=ENV)
check(f"paths (str and Path) and the daily_stats script work as before: {out.stdout!r} {out.stderr[-300:]!r} {cli.stdout!r} {cli.stderr[-300:]!r}",
      out.stdout == f"3 3\n{bad}:3: bad time or temperature in '2024-06-01T07:00 north warm'\n"
      and cli.stdout == "2024-06-01  north          min  10.5  max  21.0\n2024-06-01  south          min  22.2  max  22.2\n")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
