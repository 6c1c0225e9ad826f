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


EXPECTED = """Ada Lovelace <ada@example.org>
Alan Turing <alan@example.org> (inactive)
Grace Hopper <grace@example.org>
Guest <guest@example.org> (inactive)
2 active of 4"""

left = [p.name for p in sorted(Path(".").glob("*.py")) if "UserRecord" in (read(p) or "")]
check(f"no UserRecord left in the code {left}", not left)
out = run("python3", "app.py")
check("python3 app.py prints the same output", out.returncode == 0 and out.stdout.strip() == EXPECTED)
probe = run("python3", "-c", "from models import Member; from storage import load_users; import reports; "
            "users = load_users('users.json'); print(type(users[0]).__name__, isinstance(users[0], Member), "
            "len(reports.active_only(users)))")
check(f"Member defined and used by storage/reports: {probe.stdout.strip() or probe.stderr.strip()[-200:]!r}",
      probe.stdout.strip() == "Member True 2")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
