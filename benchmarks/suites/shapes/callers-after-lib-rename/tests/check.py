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


EXPECTED = """backup: every 6:00:00, 4x a day
sync: every 0:15:00, 96x a day
report: every 24:00:00, 1x a day
grace period: 0:01:30"""

out = run("python3", "main.py")
check(f"python3 main.py works: {out.stderr.strip()[-200:]!r}", out.returncode == 0 and out.stdout.strip() == EXPECTED)
probe = run("python3", "-c", "from lib import timeparse as t; print(hasattr(t, 'parse_duration'), t.parse_interval('2h5m'))")
check(f"lib/timeparse.py keeps only the new name: {probe.stdout.strip() or probe.stderr.strip()[-200:]!r}",
      probe.stdout.strip() == "False 7500" and "parse_duration" not in (read("lib/timeparse.py") or ""))
left = [str(p) for p in sorted(Path(".").rglob("*.py")) if "parse_duration" in (read(p) or "")]
check(f"no code uses the old name {left}", not left)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
