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
NOTES = str(HERE / "notes.orig.txt")
DEFAULT = """6  search
4  index
3  page
3  results
2  Queries
2  night
2  now
2  problems
2  quotes
2  rebuilt
"""
IGNORE_CASE_6 = """7  search
3  queries
3  results
2  problems
2  quotes
2  rebuilt
1  available
1  before
1  behave
1  behind
"""


def top(*args):
    return run("node", "top-words.js", *args)


three = top(NOTES, "--limit", "3")
first = top("--limit", "4", "-i", "--min-length", "6", NOTES)
one = top(NOTES, "--limit", "1")
with tempfile.TemporaryDirectory() as tmp:
    small = Path(tmp, "small file.txt")
    small.write_text("apple banana apple cherry banana apple date elderberry fig grape honeydew kiwi lime mango\n")
    many = top(str(small), "--limit", "25")
check(f"--limit N prints the top N, wherever the option goes: {three.stdout!r} {first.stdout!r} {one.stdout!r} {many.stdout!r} {three.stderr[-200:]!r}",
      three.returncode == 0 and three.stdout == "6  search\n4  index\n3  page\n"
      and first.returncode == 0 and first.stdout == "".join(IGNORE_CASE_6.splitlines(True)[:4])
      and one.stdout == "6  search\n"
      and many.returncode == 0 and many.stdout.splitlines()[:3] == ["3  apple", "2  banana", "1  cherry"]
      and len(many.stdout.splitlines()) == 11)

bad = {value: top(NOTES, "--limit", *([value] if value is not None else [])) for value in ["abc", "0", "-2", "2.5", None]}
helptext = top("--help")
check(f"a bad --limit value is an error with exit status 2, and the usage mentions --limit: "
      f"{[(v, o.returncode, o.stdout[:40], o.stderr[:80]) for v, o in bad.items()]} {helptext.stdout!r}",
      all(o.returncode == 2 and o.stdout == "" and o.stderr.strip() for o in bad.values())
      and helptext.returncode == 0 and "--limit" in helptext.stdout)

plain = top(NOTES)
options = top(NOTES, "-i", "--min-length", "6")
wrong = top(NOTES, "--min-length", "x")
check(f"without --limit it still prints the top 10, and the other options still work: {plain.stdout!r} {options.stdout!r} {wrong.returncode}",
      plain.returncode == 0 and plain.stdout == DEFAULT and options.stdout == IGNORE_CASE_6 and wrong.returncode == 2)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
