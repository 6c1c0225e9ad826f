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


import re

here = Path(__file__).parent
readme = read("README.md") or ""
rows = [[c.strip() for c in line.strip().strip("|").split("|")]
        for line in readme.splitlines() if line.strip().startswith("|")]
header = next((r for r in rows if any(c.lower() == "default" for c in r)), None)
column = [c.lower() for c in header].index("default") if header else 1


def row(flag):
    pattern = re.compile(rf"(?<![\w-]){re.escape(flag)}(?![\w-])")
    return next((r for r in rows if r and pattern.search(r[0])), None)


def default(flag):
    r = row(flag)
    if r is None or len(r) <= column:
        return None
    tokens = re.findall(r"[\w./-]+", r[column].replace("`", "").replace('"', "").replace("'", ""))
    return [t.strip("./").lower() for t in tokens]


def has_default(flag, value):
    tokens = default(flag)
    return tokens is not None and value in tokens


new = {"--out-dir": "thumbs", "--workers": "4"}
check(f"the missing options are in the table with their defaults: {[(f, default(f)) for f in new]}",
      all(has_default(f, v) for f, v in new.items()))
fixed = {"--size": "256", "--format": "webp", "--quality": "85"}
check(f"wrong defaults are fixed, --overwrite still listed: {[(f, default(f)) for f in fixed]} {row('--overwrite')}",
      all(has_default(f, v) for f, v in fixed.items()) and not has_default("--size", "128")
      and not has_default("--format", "png") and row("--overwrite") is not None)
check("--recursive is gone from the table",
      bool(rows) and row("--recursive") is None and "--recursive" not in readme)


def prose(text):
    return [l.rstrip() for l in text.splitlines() if l.strip() and not l.strip().startswith("|")]


check("the rest of README.md and thumbs.py are unchanged",
      readme and prose(readme) == prose((here / "README.orig.md").read_text())
      and read("thumbs.py") == (here / "thumbs.orig.py").read_text())

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
