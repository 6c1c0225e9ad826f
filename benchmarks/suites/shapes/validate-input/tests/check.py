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


import sys
sys.path.insert(0, ".")


def error_of(f, *args):
    try:
        f(*args)
    except ValueError as error:
        return str(error)
    except Exception as error:
        return f"not a ValueError: {error!r}"
    return None


try:
    import durations
    got = {t: error_of(durations.parse_duration, t) for t in ("abc", "", "Soon")}
    check(f"ValueError with the message for 'abc', '', 'Soon': {got}",
          got == {t: f"invalid duration: {t!r}" for t in got})
    bad = ["5x", "1h30", "2 weeks", "h", "1h junk", "-5"]
    check(f"ValueError for other bad input: {[t for t in bad if error_of(durations.parse_duration, t) is None]}",
          all(error_of(durations.parse_duration, t) for t in bad))
    good = {"1h30m": 5400, "45s": 45, " 2D ": 172800, "1h 5m": 3900, "90": 90, "1d2h3m4s": 93784, "0s": 0}
    check("valid durations unchanged", all(durations.parse_duration(t) == v for t, v in good.items()))
    out = run("python3", "durations.py", "1h30m", "45s")
    check("the rest of durations.py still works",
          durations.format_duration(90061) == "1d 1h 1m 1s" and durations.parse_clock("0:01:30") == 90
          and durations.split_evenly(10, 3) == [4, 3, 3] and "total  5445  (1h 30m 45s)" in out.stdout)
except Exception as error:
    check(f"import durations: {error!r}", False)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
