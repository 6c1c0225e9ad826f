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


import tempfile, tomllib

here = Path(__file__).parent
original = tomllib.loads((here / "config.orig.toml").read_text())
try:
    config = tomllib.loads(read("config.toml") or "")
except tomllib.TOMLDecodeError as error:
    config = {"error": repr(error)}
http = dict(config.get("http", {}))
timeout = http.pop("timeout_seconds", None)
check(f"config.toml has timeout_seconds = 30 under [http], the rest unchanged: {config!r}",
      timeout == 30 and {**config, "http": http} == original)

out = run("python3", "client.py", env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
try:
    requests = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
except ValueError:
    requests = []
expected = [{"headers": {"Accept": "application/json", "User-Agent": "status-poller/1.4"}, "method": "GET",
             "retries": 3, "timeout": 30, "url": f"https://status.example.com/api/v2/components/{c}"}
            for c in ("api", "web", "database")]
check(f"python3 client.py sends timeout 30 from the config: {out.stdout[-400:]!r} {out.stderr[-300:]!r}",
      requests == expected)

sys.path.insert(0, ".")
try:
    import settings, client
    got = []
    with tempfile.TemporaryDirectory() as tmp:
        for body in ('[http]\nbase_url = "http://a.test"\n',
                     '[http]\nbase_url = "http://b.test/"\ntimeout_seconds = 5\nretries = 1\n'):
            Path(tmp, "c.toml").write_text(body)
            loaded = settings.load_settings(Path(tmp, "c.toml"))
            got.append((loaded.timeout_seconds, client.build_request(loaded, "x")["timeout"]))
except Exception as error:
    got = repr(error)
check(f"timeout defaults to 10 when the key is missing and follows the file otherwise: {got!r}",
      got == [(10, 10), (5, 5)])

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
