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


import select
import urllib.request


def start(port_env):
    """Start server.py (APP_PORT=port_env, or unset when None); (first stdout line, GET
    function) while it runs. The caller stops it."""
    env = {k: v for k, v in os.environ.items() if k != "APP_PORT"}
    if port_env is not None:
        env["APP_PORT"] = port_env
    proc = subprocess.Popen(["python3", "server.py"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    ready, _, _ = select.select([proc.stdout], [], [], 10)
    line = proc.stdout.readline().strip() if ready else ""
    return proc, line


def get(port, path):
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy
        with opener.open(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return json.loads(r.read())
    except Exception as error:
        return repr(error)


def serve_check(name, port_env, port, path="/health", expect={"status": "ok"}):
    proc, line = start(port_env)
    try:
        body = get(port, path) if line else None
        check(f"{name} (said {line!r}, GET {path}: {body!r})",
              line == f"Listening on http://127.0.0.1:{port}" and body == expect)
    finally:
        proc.kill()
        proc.wait()


serve_check("no APP_PORT: listens on 8000", None, 8000)
serve_check("APP_PORT=9137: listens on 9137", "9137", 9137)
serve_check("APP_PORT=18080: /version still served", "18080", 18080, "/version", {"version": "1.4.2"})

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
