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


import csv, io, tempfile
from collections import defaultdict

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")


def expected(path, max_depth=6):
    """What the script printed before, worked out without recursion."""
    comments, children = {}, defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            parent = int(row["parent"]) if row["parent"].strip() else None
            comments[int(row["id"])] = row
            children[parent].append(int(row["id"]))
    for ids in children.values():
        ids.sort()

    def below(cid):
        n, longest, stack = 0, 0, [(k, 1) for k in children.get(cid, [])]
        while stack:
            k, d = stack.pop()
            n, longest = n + 1, max(longest, d)
            stack.extend((g, d + 1) for g in children.get(k, []))
        return n, longest

    lines, stack = [], [(r, 0) for r in reversed(children.get(None, []))]
    while stack:
        cid, depth = stack.pop()
        lines.append(f"{'  ' * depth}{comments[cid]['author']}: {comments[cid]['text']}")
        kids = children.get(cid, [])
        if kids and depth >= max_depth:
            lines.append(f"{'  ' * (depth + 1)}[{below(cid)[0]} more replies]")
            continue
        stack.extend((k, depth + 1) for k in reversed(kids))
    roots = children.get(None, [])
    deepest = max((below(r)[1] for r in roots), default=0)
    return "\n".join(lines) + f"\n-- {len(comments)} comments in {len(roots)} threads, longest reply chain: {deepest}\n"


SMALL = Path(__file__).parent / "thread-4470.orig.csv"
a = run("python3", "show_thread.py", str(SMALL), env=ENV)
b = run("python3", "show_thread.py", str(SMALL), "--max-depth", "2", env=ENV)
check(f"a normal thread prints exactly as before:\n{a.stdout}{a.stderr[-300:]}\n{b.stdout}{b.stderr[-300:]}",
      a.returncode == 0 and a.stdout == expected(SMALL) and b.returncode == 0 and b.stdout == expected(SMALL, 2))

BIG = Path(__file__).parent / "thread-4471.orig.csv"
a = run("python3", "show_thread.py", str(BIG), env=ENV)
check(f"the 1100-deep flame war prints: {a.stdout[-500:]!r} {a.stderr[-500:]!r}",
      a.returncode == 0 and a.stdout == expected(BIG))

PROBE = """
import runpy, sys
sys.argv = ["show_thread.py"] + sys.argv[1:]
try:
    runpy.run_path("show_thread.py", run_name="__main__")
except SystemExit:
    pass
print("recursion limit:", sys.getrecursionlimit())
"""
with tempfile.TemporaryDirectory() as tmp:
    deep = Path(tmp, "deep thread.csv")
    rows = [["id", "parent", "author", "text"], ["10", "", "op", "Long, long ago"]]
    for i in range(11, 40011):
        rows.append([str(i), str(i - 1), f"user{i % 7}", f"reply {i}, \"quoted\""])
        if i % 5000 == 0:
            rows.append([str(100000 + i), str(i), "bystander", "side note"])
    rows.append(["5", "", "op2", "Short one"])
    rows.append(["6", "5", "op", "ok"])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    deep.write_text(buf.getvalue(), encoding="utf-8")
    a = run("python3", "-c", PROBE, str(deep), "--max-depth", "3", env=ENV)
    want = expected(deep, 3)
    limit = run("python3", "-c", "import sys; print('recursion limit:', sys.getrecursionlimit())").stdout
check(f"a 40000-deep chain works, without raising the recursion limit: {a.stdout[-400:]!r} {a.stderr[-400:]!r} want {want[-200:]!r}",
      a.returncode == 0 and a.stdout == want + limit)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
