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
LINES = [
    "2024-06-02 08:00:00 GET /api/users 200 40ms",
    "2024-06-02 08:00:03 POST /api/login 200 650ms",
    "2024-06-02 08:00:07 GET /api/search?q=lamp 200 1500ms",
    "2024-06-02 08:00:09 PUT /api/users/9 409 500ms",
    "",
    "2024-06-02 08:00:12 GET /api/users 200 499ms",
]
FIRST = ("  1500ms  GET    /api/search?q=lamp  (2024-06-02 08:00:07, 200)\n"
         "   650ms  POST   /api/login  (2024-06-02 08:00:03, 200)\n"
         "   500ms  PUT    /api/users/9  (2024-06-02 08:00:09, 409)\n"
         "6 new lines, 3 slow requests\n")
MORE = ["2024-06-02 08:01:00 GET /api/export 200 3100ms", "2024-06-02 08:01:02 GET /health 200 2ms"]
SECOND = "  3100ms  GET    /api/export  (2024-06-02 08:01:00, 200)\n2 new lines, 1 slow requests\n"
PARTIAL = "2024-06-02 08:02:00 DELETE /api/carts/5 200 9"
THIRD = "   900ms  DELETE /api/carts/5  (2024-06-02 08:02:00, 200)\n1 new lines, 1 slow requests\n"


def session(newline):
    """First run, then new lines plus a half-written one, then the rest of that line."""
    outs = []
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp, "api access.log")
        log.write_bytes("".join(line + newline for line in LINES).encode())
        outs.append(run("python3", "slow_requests.py", str(log), env=ENV))
        with open(log, "ab") as f:
            f.write(("".join(line + newline for line in MORE) + PARTIAL).encode())
        outs.append(run("python3", "slow_requests.py", str(log), env=ENV))
        with open(log, "ab") as f:
            f.write(("00ms" + newline).encode())
        outs.append(run("python3", "slow_requests.py", str(log), env=ENV))
        outs.append(run("python3", "slow_requests.py", str(log), env=ENV))
        log.write_bytes((LINES[0] + newline + LINES[2] + newline).encode())  # rotated: shorter than before
        outs.append(run("python3", "slow_requests.py", str(log), env=ENV))
    return outs


WANT = [FIRST, SECOND, THIRD, "0 new lines, 0 slow requests\n",
        "  1500ms  GET    /api/search?q=lamp  (2024-06-02 08:00:07, 200)\n2 new lines, 1 slow requests\n"]

crlf = session("\r\n")
check(f"a log with Windows line endings is reported right on the first run:\n{crlf[0].stdout}{crlf[0].stderr[-400:]}",
      crlf[0].returncode == 0 and crlf[0].stdout == FIRST)
check("with Windows line endings, later runs only report new lines, and a half-written line waits for the next run:\n"
      + "\n".join(o.stdout + o.stderr[-300:] for o in crlf[1:]),
      [o.stdout for o in crlf[1:]] == WANT[1:])
lf = session("\n")
check("a log with Unix line endings works as before (first run, new lines, half-written line, rotation):\n"
      + "\n".join(o.stdout + o.stderr[-300:] for o in lf),
      [o.stdout for o in lf] == WANT)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
