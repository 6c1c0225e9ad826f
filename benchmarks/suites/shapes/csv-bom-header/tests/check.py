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


def mailing(*argv):
    out = run("python3", "mailing.py", *map(str, argv), env=ENV)
    return out, out.returncode == 0 and out.stdout


out, got = mailing("subscribers_2024-06.csv")
out2, got2 = mailing("subscribers_2024-06.csv", "--list", "Offers")
check(f"the June export (BOM header) loads: {out.stdout!r} {out.stderr[-400:]!r} {out2.stdout!r}",
      got == "events          2\noffers          2\nweekly          2\nunique          4\n"
      and got2 == "ana@example.org\nemil@example.org\n")

out, got = mailing("subscribers_old.csv")
out2, got2 = mailing("subscribers_old.csv", "--list", "weekly")
check(f"the old export gives the same output as before: {out.stdout!r} {out.stderr[-400:]!r} {out2.stdout!r}",
      got == "events          1\noffers          1\nweekly          3\nunique          3\n"
      and got2 == "ana@example.org\nben@example.org\ndev@example.org\n")

with tempfile.TemporaryDirectory() as tmp:
    other = Path(tmp, "export july.csv")
    other.write_bytes("\ufeffStatus,List,Email,Name\n"
                      "active,offers|weekly,Zoe@Example.org,Zoë\n"
                      "active,weekly,yan@example.org,Yan\n"
                      "paused,weekly,xi@example.org,Xi\n".encode("utf-8"))
    out, got = mailing(other)
    out2, got2 = mailing(other, "--list", "weekly")
check(f"another BOM export, with Status as its first column, loads: {out.stdout!r} {out.stderr[-400:]!r} {out2.stdout!r}",
      got == "offers          1\nweekly          2\nunique          2\n"
      and got2 == "yan@example.org\nzoe@example.org\n")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
