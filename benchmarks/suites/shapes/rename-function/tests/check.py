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


files = ["geometry.py", "report.py", "main.py"]
check("no area_rect left", all("area_rect" not in (read(f) or "area_rect") for f in files))
out = run("python3", "main.py")
check("main.py runs", out.returncode == 0 and "area 12" in out.stdout and "total 14" in out.stdout)
probe = run("python3", "-c", "from geometry import rectangle_area; print(rectangle_area(2, 5))")
check("rectangle_area defined", probe.stdout.strip() == "10")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
