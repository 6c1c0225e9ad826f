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


try:
    c = json.loads(read("config.json") or "")
except ValueError as error:
    c = None
    check(f"config.json parses: {error}", False)
if c is not None:
    check("port 9090", c.get("port") == 9090)
    check("debug off", c.get("debug") is False)
    check("others kept", c.get("name") == "inventory-api" and c.get("workers") == 4
          and c.get("database") == {"host": "localhost", "port": 5432})

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
