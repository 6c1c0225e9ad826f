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


import shutil
import tempfile

BEFORE = """Ledger Sync (staging)
  database:  postgresql://db.staging.internal:5432/ledger
  retries:   3
  log level: info
"""

try:
    config = json.loads(read("config.json") or "null")
except ValueError as error:
    config = repr(error)
print("config.json:", config)
ok = isinstance(config, dict)
check("config.json has a database section with host, port and name",
      ok and isinstance(config.get("database"), dict)
      and {**config["database"], "port": str(config["database"].get("port"))}
      == {"host": "db.staging.internal", "port": "5432", "name": "ledger"})
check("the old db_ keys are gone, the other keys are unchanged",
      ok and "database" in config and not any(k.startswith("db_") for k in config)
      and {k: v for k, v in config.items() if k != "database"} == {
          "app_name": "Ledger Sync", "environment": "staging", "retry_count": 3, "log_level": "info"})
out = run("python3", "app.py")
print(out.stdout + out.stderr[-500:])
check("python3 app.py prints the same as before, from the new layout",
      out.stdout == BEFORE and ok and "database" in config)
with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp) / "w"
    shutil.copytree(".", folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "config.json").write_text(json.dumps({
        "app_name": "Ledger Sync", "environment": "production", "retry_count": 5, "log_level": "warning",
        "database": {"host": "10.0.4.12", "port": 6543, "name": "ledger_prod"}}, indent=2))
    out = run("python3", "app.py", cwd=folder)
    print(out.stdout + out.stderr[-500:])
    check("app.py reads the database section of another config",
          "postgresql://10.0.4.12:6543/ledger_prod" in out.stdout and "retries:   5" in out.stdout)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
