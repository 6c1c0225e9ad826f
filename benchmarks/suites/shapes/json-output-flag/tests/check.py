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

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
TABLE = """endpoint                 requests   avg_ms
/api/items                      4     34.8
/api/orders                     3    426.0
/health                         3      2.3
/api/users/me                   2     20.0"""


def as_json(out):
    try:
        data = json.loads(out.stdout)
    except ValueError:
        return None
    return data if isinstance(data, list) else None


def matches(data, want):
    """want: list of (endpoint, requests, exact average)."""
    if data is None or len(data) != len(want):
        return False
    for item, (endpoint, count, avg) in zip(data, want):
        if not isinstance(item, dict) or set(item) != {"endpoint", "requests", "avg_ms"}:
            return False
        ms = item["avg_ms"]
        if item["endpoint"] != endpoint or item["requests"] != count or isinstance(item["requests"], bool):
            return False
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or abs(ms - avg) > 0.051:
            return False
    return True


out = run("python3", "usage.py", "access.log", env=ENV)
check(f"python3 usage.py access.log still prints the same table:\n{out.stdout}{out.stderr[-300:]}",
      out.returncode == 0 and out.stdout.rstrip("\n") == TABLE)

out = run("python3", "usage.py", "access.log", "--json", env=ENV)
data = as_json(out)
check(f"python3 usage.py access.log --json prints the rows as JSON: {out.stdout[-500:]!r} {out.stderr[-300:]!r}",
      out.returncode == 0 and matches(data, [("/api/items", 4, 139 / 4), ("/api/orders", 3, 1278 / 3),
                                               ("/health", 3, 7 / 3), ("/api/users/me", 2, 20.0)]))

lines = ["2024-06-01T10:00:00 GET /b 200 10", "2024-06-01T10:00:01 GET /a 200 15", "garbage line",
         "2024-06-01T10:00:02 GET /c?x=1 200 7", "2024-06-01T10:00:03 PUT /b 204 11",
         "2024-06-01T10:00:04 GET /a 200 16", "2024-06-01T10:00:05 GET /c 200 1000",
         "2024-06-01T10:00:06 GET /c 200 1", "2024-06-01T10:00:07 DELETE /z 200 5"]
with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as tmp:
    tmp.write("\n".join(lines) + "\n")
json_out = run("python3", "usage.py", tmp.name, "--json", env=ENV)
text_out = run("python3", "usage.py", tmp.name, env=ENV)
os.unlink(tmp.name)
want_text = """endpoint                 requests   avg_ms
/c                              3    336.0
/a                              2     15.5
/b                              2     10.5
/z                              1      5.0"""
check(f"both forms work on another log: {json_out.stdout[-500:]!r} {json_out.stderr[-300:]!r}\n{text_out.stdout}",
      json_out.returncode == 0 and text_out.returncode == 0 and text_out.stdout.rstrip("\n") == want_text
      and matches(as_json(json_out), [("/c", 3, 336.0), ("/a", 2, 15.5), ("/b", 2, 10.5), ("/z", 1, 5.0)]))

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
