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


import re, tempfile

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
ROW = re.compile(r"^(\S+)\s+(-?\d+\.\d\d) h$")


def report(path):
    out = run("python3", str(Path("shifts.py").resolve()), str(path), env=ENV)
    return out, [(m.group(1), m.group(2)) for m in map(ROW.match, out.stdout.splitlines()) if m]


out, rows = report("shifts.csv")
check(f"python3 shifts.py shifts.csv gives ana 16.00, bruno 15.75, chen 15.50 in the same format:\n"
      f"{out.stdout}{out.stderr[-300:]}",
      out.returncode == 0 and out.stdout == "ana         16.00 h\nbruno       15.75 h\nchen        15.50 h\n")


def shifts(lines):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as tmp:
        tmp.write("person,start,end\n" + "".join(line + "\n" for line in lines))
    out, rows = report(tmp.name)
    os.unlink(tmp.name)
    return out, rows


out, rows = shifts([
    "dana,2024-11-02T20:00:00-04:00,2024-11-03T04:00:00-05:00",   # US fall back: 9 h
    "dana,2024-06-10T09:00:00-07:00,2024-06-10T12:00:00-07:00",   # 3 h
    "eli,2024-05-01T23:30:00+05:30,2024-05-02T02:00:00Z",         # 8 h
    "eli,2024-05-03T10:00:00Z,2024-05-03T11:45:00Z",              # 1.75 h
    "fay,2024-07-01T08:00:00+02:00,2024-07-01T08:00:00+01:00",    # 1 h
])
check(f"other offsets (negative, +05:30, Z) are handled: {rows} {out.stderr[-300:]!r}",
      out.returncode == 0 and rows == [("dana", "12.00"), ("eli", "9.75"), ("fay", "1.00")])

out, rows = shifts(["gus,2024-01-15T22:00:00+01:00,2024-01-16T06:30:00+01:00",
                    "gus,2024-01-16T09:00:00+00:00,2024-01-16T17:00:00+00:00"])
check(f"shifts with the same offset at both ends still add up: {rows} {out.stderr[-300:]!r}",
      out.returncode == 0 and rows == [("gus", "16.50")])

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
