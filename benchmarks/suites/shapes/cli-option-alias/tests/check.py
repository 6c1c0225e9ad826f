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
ALL = """name,email,phone,company
ben okafor,ben@initech.example,,Initech
Chloe Martin,chloe@globex.example,+33 1 70 36 39 50,Globex
Dmitri Volkov,dmitri@acme.example,,Acme
Priya Natarajan,priya@globex.example,+44 20 7946 0018,Globex
"""
GLOBEX = """name;email;phone;company
Chloe Martin;chloe@globex.example;+33 1 70 36 39 50;Globex
Priya Natarajan;priya@globex.example;+44 20 7946 0018;Globex
"""


def export(*options):
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp, "out dir", "contacts.csv")
        target.parent.mkdir()
        argv = [a.replace("TARGET", str(target)) for a in options]
        out = run("python3", "export_contacts.py", *argv, env=ENV)
        return out, (target.read_text(encoding="utf-8") if target.exists() else None)


out, written = export("--output", "TARGET")
out2, written2 = export("--company", "globex", "--output", "TARGET", "--delimiter", ";")
check(f"--output PATH writes the CSV there: {out.stderr[-300:]!r} {written!r} {written2!r}",
      out.returncode == 0 and written == ALL and out2.returncode == 0 and written2 == GLOBEX)

old, old_written = export("--out", "TARGET", "--company", "globex", "--delimiter", ";")
short, short_written = export("-o", "TARGET")
check(f"--out PATH and -o PATH still work: {old.stderr[-300:]!r} {old_written!r} {short.stderr[-200:]!r}",
      old.returncode == 0 and old_written == GLOBEX and short.returncode == 0 and short_written == ALL)

helptext = run("python3", "export_contacts.py", "--help", env=ENV)
plain = run("python3", "export_contacts.py", env=ENV)
check(f"--help shows --output, and without it the CSV still goes to stdout: {helptext.stdout[-600:]!r}",
      helptext.returncode == 0 and "--output" in helptext.stdout and plain.returncode == 0 and plain.stdout == ALL)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
