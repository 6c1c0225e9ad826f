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

PAGES = {"home.txt": "Welcome to the club site.\n\nWe meet every Tuesday.\n",
         "join-us.txt": "Membership is 20 EUR a year.\n"}

if shutil.which("make") is None:
    check("make is installed (needed to verify)", False)
else:
    dist = run("make", "dist")
    built = Path("build/index.html").is_file() and Path("site.zip").is_file()
    clean = run("make", "clean")
    check(f"make clean removes build/ and site.zip ({clean.stderr.strip()[-200:]})",
          built and clean.returncode == 0 and not Path("build").exists() and not Path("site.zip").exists())
    again = run("make", "clean")
    check("make clean with nothing to remove succeeds", again.returncode == 0)
    default = run("make")
    check("plain make still builds the site", default.returncode == 0 and Path("build/join-us.html").is_file())
    check("sources untouched", all(read(f"pages/{name}") == text for name, text in PAGES.items())
          and Path("build.py").is_file())

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
