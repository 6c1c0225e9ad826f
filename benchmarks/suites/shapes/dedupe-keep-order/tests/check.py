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


def export(path, seed):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED=str(seed))
    out = run("python3", "mailing_list.py", str(path), env=env)
    return out, (out.stdout.splitlines() if out.returncode == 0 else None)


WANT = ["ana.lima@example.com", "chen.wei@example.com", "dora@example.net", "ben@example.org",
        "eli.park@example.com", "fay@example.com"]
runs = [export("signups.csv", seed) for seed in (1, 2, 3)]
check(f"python3 mailing_list.py signups.csv prints each address once, lower case, in file order, on every run: "
      f"{[got for _, got in runs]} {runs[0][0].stderr[-300:]!r}",
      all(got == WANT for _, got in runs))

ROWS = """signed_up,email,name,newsletter
2024-06-01,zoe@Example.com,Zoe,yes
2024-06-01,  MAX@example.com,Max,yes
2024-06-02,amy@example.com,Amy,no
2024-06-02,Zoe@example.COM,Zoe,YES
2024-06-03,bob@example.com,Bob,yes
2024-06-04,max@example.com  ,Max,yes
2024-06-05,amy@example.com,Amy,yes
2024-06-05,carl@example.com,Carl,no
2024-06-06,bob@example.com,Bob,yes
"""
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as tmp:
    tmp.write(ROWS)
runs = [export(tmp.name, seed) for seed in (4, 5)]
os.unlink(tmp.name)
WANT = ["zoe@example.com", "max@example.com", "bob@example.com", "amy@example.com"]
check(f"the same on another signups file: {[got for _, got in runs]} {runs[0][0].stderr[-300:]!r}",
      all(got == WANT for _, got in runs))

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
