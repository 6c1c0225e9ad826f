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

HERE = Path(__file__).parent
ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

PROBE = r"""
import json, sys, urllib.error
from settings import load_settings
from notifier import deliver

def attempt(path, failures):
    s = load_settings(path)
    calls, sleeps = [], []
    def post(url, payload, timeout):
        calls.append((url, payload["channel"], timeout))
        if len(calls) <= failures:
            raise urllib.error.URLError("connection refused")
        return 200
    ok = deliver(s, "hello", post=post, sleep=sleeps.append)
    return {"ok": ok, "calls": len(calls), "sleeps": sleeps,
            "attempts": getattr(s, "retry_attempts", None), "delay": getattr(s, "retry_delay", None),
            "types": [type(getattr(s, "retry_attempts", None)).__name__, type(getattr(s, "retry_delay", None)).__name__],
            "url": s.url, "channel": s.channel, "username": s.username, "timeout": s.timeout, "dry_run": s.dry_run}

print(json.dumps([attempt(path, int(failures)) for path, failures in zip(sys.argv[1::2], sys.argv[2::2])]))
"""

BASE = """[general]
dry_run = no

[webhook]
url = https://hooks.example.org/abc
channel = #ops
timeout = 2.5
"""


def probe(*cases):
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        for i, (text, failures) in enumerate(cases):
            path = Path(tmp, f"settings {i}.ini")
            path.write_text(text)
            args += [str(path), str(failures)]
        out = run("python3", "-c", PROBE, *args, env=ENV)
    try:
        return json.loads(out.stdout)
    except ValueError:
        return f"exit {out.returncode}: {out.stderr[-600:]}"


got = probe((BASE + "\n[retry]\nattempts = 5\ndelay = 0.5\n", 99), (BASE + "[retry]\nattempts = 2\ndelay = 1\n", 1))
check(f"[retry] attempts and delay are read and used: {got}",
      isinstance(got, list)
      and got[0]["attempts"] == 5 and got[0]["delay"] == 0.5 and got[0]["types"][0] == "int"
      and got[0]["ok"] is False and got[0]["calls"] == 5 and got[0]["sleeps"] == [0.5] * 4
      and got[1]["attempts"] == 2 and got[1]["delay"] == 1.0
      and got[1]["ok"] is True and got[1]["calls"] == 2 and got[1]["sleeps"] == [1.0])

got = probe((BASE, 99), (BASE + "[retry]\nattempts = 4\n", 99), (BASE + "[retry]\ndelay = 0.25\n", 99),
            ("[webhook]\nurl = https://hooks.example.org/xyz\n", 99))
check(f"without [retry], or with only one key, the other values default to 3 attempts / 2 seconds: {got}",
      isinstance(got, list)
      and [(g["attempts"], g["delay"]) for g in got] == [(3, 2.0), (4, 2.0), (3, 0.25), (3, 2.0)]
      and [(g["ok"], g["calls"], g["sleeps"]) for g in got] == [
          (False, 3, [2, 2]), (False, 4, [2, 2, 2]), (False, 3, [0.25, 0.25]), (False, 3, [2, 2])])

got = probe((read(HERE / "settings.orig.ini"), 0), (BASE, 2), ("[webhook]\nurl = http://h\n", 0))
with tempfile.TemporaryDirectory() as tmp:
    Path(tmp, "dry.ini").write_text("[general]\ndry_run = yes\n[webhook]\nurl = http://h\n")
    dry = run("python3", "notifier.py", "hi there", "--settings", str(Path(tmp, "dry.ini")), env=ENV)
want_first = {"ok": True, "calls": 1, "sleeps": [], "url": "https://chat.example.com/hooks/T024/B7/x9f2",
              "channel": "#deploys", "username": "deploy-bot", "timeout": 5.0, "dry_run": False}
check(f"the other settings and a normal delivery work as before: {got} {dry.stdout!r} {dry.stderr[-300:]!r}",
      isinstance(got, list) and {k: got[0][k] for k in want_first} == want_first
      and (got[1]["ok"], got[1]["calls"], got[1]["sleeps"], got[1]["timeout"], got[1]["channel"]) == (True, 3, [2, 2], 2.5, "#ops")
      and (got[2]["channel"], got[2]["username"], got[2]["timeout"], got[2]["calls"]) == ("#alerts", "notifier", 10.0, 1)
      and dry.returncode == 0
      and json.loads(dry.stdout or "null") == {"channel": "#alerts", "username": "notifier", "text": "hi there"})

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
