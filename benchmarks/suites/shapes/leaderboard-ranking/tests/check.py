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


import re, tempfile

ROW = re.compile(r"^\s*(\d+)\.\s+(\S+)\s+(\d+)\s+(-?\d+)\s*$")


def board(csv_path):
    out = run("python3", str(Path("leaderboard.py").resolve()), str(csv_path),
              env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    rows = [tuple(int(g) if g.lstrip("-").isdigit() else g for g in m.groups())
            for m in map(ROW.match, out.stdout.splitlines()) if m]
    return out, rows


out, _ = board("scores.csv")
want = """  #  Player       Games  Points
  1. tom              3      20
  2. kofi             2      15
  2. maria            2      15
  4. ines             3      13
  5. anna             1       9"""
check(f"python3 leaderboard.py scores.csv prints the league table in the same format:\n{out.stdout}{out.stderr[-300:]}",
      out.returncode == 0 and out.stdout.rstrip("\n") == want)


def scores(rows):
    tmp = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    tmp.write("player,game,points\n" + "".join(f"{p},{g},{n}\n" for p, g, n in rows))
    tmp.close()
    return tmp.name


path = scores([("zoe", 1, 4), ("al", 1, 10), ("bea", 1, 7), ("cy", 1, 10), ("dan", 1, 0), ("al", 2, 0),
               ("eve", 1, 3), ("eve", 2, 4), ("fred", 1, 0), ("gus", 1, 10)])
_, rows = board(path)
os.unlink(path)
check(f"ties at the top and bottom share a rank, later ranks are skipped: {rows}",
      rows == [(1, "al", 2, 10), (1, "cy", 1, 10), (1, "gus", 1, 10), (4, "bea", 1, 7), (4, "eve", 2, 7),
               (6, "zoe", 1, 4), (7, "dan", 1, 0), (7, "fred", 1, 0)])
path = scores([("omar", 1, 5), ("lena", 1, 5), ("kai", 1, 5), ("kai", 2, 1), ("lena", 2, 1), ("omar", 2, 1)])
_, all_tied = board(path)
os.unlink(path)
path = scores([("b", 1, 1), ("a", 1, 2), ("c", 1, 3)])
_, distinct = board(path)
os.unlink(path)
check(f"all tied, and no ties at all: {all_tied} {distinct}",
      all_tied == [(1, "kai", 2, 6), (1, "lena", 2, 6), (1, "omar", 2, 6)]
      and distinct == [(1, "c", 1, 3), (2, "a", 1, 2), (3, "b", 1, 1)])

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
