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



import copy, shutil, tempfile

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

with tempfile.TemporaryDirectory() as tmp:
    if Path("config.py").exists():
        shutil.copy("config.py", tmp)
    shutil.copy(Path(__file__).parent / "test_config.orig.py", Path(tmp, "test_config.py"))
    out = run("python3", "-m", "unittest", "test_config", cwd=tmp, env=ENV)
check(f"python3 -m unittest test_config passes (with the original tests): {out.stderr[-600:]!r}", out.returncode == 0)

DEFAULTS = {"debug": False, "database": {"host": "localhost", "port": 5432, "name": "shop", "pool": {"min": 1, "max": 10}},
            "cache": {"backend": "memory", "ttl_seconds": 300}, "allowed_hosts": ["localhost"]}
A = {"database": {"pool": {"max": 20}, "name": "shop_test"}, "cache": {"ttl_seconds": 60},
     "allowed_hosts": ["shop.example.com"], "extra": {"region": "eu"}}
WANT_A = copy.deepcopy(DEFAULTS)
WANT_A["database"]["pool"]["max"] = 20
WANT_A["database"]["name"] = "shop_test"
WANT_A["cache"]["ttl_seconds"] = 60
WANT_A["allowed_hosts"] = ["shop.example.com"]
WANT_A["extra"] = {"region": "eu"}
B = {"cache": {"backend": "redis"}, "debug": True}
WANT_B = copy.deepcopy(DEFAULTS)
WANT_B["cache"]["backend"] = "redis"
WANT_B["debug"] = True

PROBE = """
import json, sys
from config import load_config
results = []
for path in (sys.argv[1], None, sys.argv[2], sys.argv[3], sys.argv[1]):
    results.append(json.dumps(load_config(path)))  # as it is right after this load
print("[" + ", ".join(results) + "]")
"""
with tempfile.TemporaryDirectory() as tmp:
    paths = []
    for name, data in (("a.json", A), ("b.json", B), ("empty.json", {})):
        Path(tmp, name).write_text(json.dumps(data))
        paths.append(str(Path(tmp, name)))
    out = run("python3", "-c", PROBE, *paths, env=ENV)
try:
    got = json.loads(out.stdout)
except ValueError:
    got = None
check(f"nested values are merged at every level, lists and new keys taken from the file: {got and got[0]} {out.stderr[-400:]!r}",
      got is not None and got[0] == WANT_A)
check(f"loading one file doesn't change what later loads return: {got and got[1:]} {out.stderr[-400:]!r}",
      got is not None and got[1:] == [DEFAULTS, WANT_B, DEFAULTS, WANT_A])

out = run("python3", "app.py", env=ENV)
check(f"python3 app.py prints the merged settings:\n{out.stdout}{out.stderr[-400:]}",
      out.returncode == 0 and out.stdout == "debug:    True\n"
      "database: postgres://localhost:5433/shop (pool 1-20)\n"
      "cache:    memory, 300s\n"
      "hosts:    localhost, shop.local\n")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
