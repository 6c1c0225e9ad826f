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


EXPECTED = """ana       91
bo        78
chen      85
dara      96
eli       70
average 84.0, best dara (96)"""

probe = run("python3", "-c", "from data import load_scores; print(repr(load_scores('scores.csv')[:2]))")
check(f"load_scores returns dicts: {probe.stdout.strip() or probe.stderr.strip()[-200:]}",
      probe.stdout.strip() == "[{'name': 'ana', 'score': 91}, {'name': 'bo', 'score': 78}]")
out = run("python3", "main.py")
check(f"python3 main.py prints the same report: {out.stderr.strip()[-200:]!r}",
      out.returncode == 0 and out.stdout.rstrip() == EXPECTED)
stats = run("python3", "-c", "from stats import average, best; rows = [{'name': 'x', 'score': 10}, {'name': 'y', 'score': 21}]; "
            "print(average(rows), best(rows))")
check(f"stats works on the dicts: {stats.stdout.strip() or stats.stderr.strip()[-200:]!r}",
      stats.stdout.strip() == "15.5 y (21)")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
