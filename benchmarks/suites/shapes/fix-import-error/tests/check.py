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


import tempfile

EXPECTED = """north: high 11.0C/51.8F, low 4.5C/40.1F, max wind 7.0 m/s
south: high 17.5C/63.5F, low 9.0C/48.2F, max wind 3.0 m/s"""
CSV = """station,hour,temp_c,wind_kmh
north,6,4.5,12
north,12,11.0,18
north,18,8.5,25.2
south,6,9.0,7.2
south,12,17.5,10.8
south,18,13.0,9
"""

out = run("python3", "app.py")
check("python3 app.py prints the report", out.returncode == 0 and out.stdout.strip() == EXPECTED)
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    f.write("station,hour,temp_c,wind_kmh\nhill,9,-2.0,36\nhill,15,3.0,18\n")
other = run("python3", "app.py", f.name)
check("works on another file", other.stdout.strip() == "hill: high 3.0C/37.4F, low -2.0C/28.4F, max wind 10.0 m/s")
check("readings.csv untouched", read("readings.csv") == CSV)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
