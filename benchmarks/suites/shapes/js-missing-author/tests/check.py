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

WANT = """[AL] Ana Lima: The new search is great.
[BO] ben okafor: Any plans for dark mode?
[?] Deleted user: First!
[C] Cher: Still waiting for the export feature.
[?] Deleted user: Imported from the old forum.
[DN] Dora Nagy: +1 for dark mode
6 comments
"""
out = run("node", "main.js")
check(f"node main.js prints the whole digest:\n{out.stdout}{out.stderr[-400:]}", out.returncode == 0 and out.stdout == WANT)

PROBE = """
const { displayName, initials } = require("./lib/people");
const users = [undefined, null, { firstName: "Cher" }, { firstName: "zoe", lastName: "park" },
               { firstName: "Max", lastName: "Power", email: "max@example.com" }];
console.log(JSON.stringify(users.map((u) => [displayName(u), initials(u)])));
console.log(JSON.stringify([displayName(), initials()]));
"""
out = run("node", "-e", PROBE)
try:
    got = [json.loads(line) for line in out.stdout.splitlines()]
except ValueError:
    got = None
check(f"displayName and initials handle missing users and missing last names: {got} {out.stderr[-400:]!r}",
      got == [[["Deleted user", "?"], ["Deleted user", "?"], ["Cher", "C"], ["zoe park", "ZP"], ["Max Power", "MP"]],
              ["Deleted user", "?"]])

with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tmp:
    json.dump([{"author": None, "text": "a"}, {"text": "b"}, {"author": {"firstName": "eve"}, "text": "c"}], tmp)
out = run("node", "main.js", tmp.name)
os.unlink(tmp.name)
check(f"node main.js works on other comments: {out.stdout!r} {out.stderr[-400:]!r}",
      out.returncode == 0 and out.stdout == "[?] Deleted user: a\n[?] Deleted user: b\n[E] eve: c\n3 comments\n")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
