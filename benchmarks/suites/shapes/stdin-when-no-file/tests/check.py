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



ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")


def words(*args, stdin=""):
    out = run("python3", "top_words.py", *args, input=stdin, env=ENV)
    return out, (out.stdout if out.returncode == 0 else None)


NOTES = "    3  release\n    3  tests\n    2  notes\n    2  shop\n    1  build\n"
out1, got1 = words("notes.txt")
out2, got2 = words("-n", "2", "notes.txt", stdin="zebra zebra zebra zebra\n")
check(f"python3 top_words.py notes.txt works as before (and reads the file even when stdin has data):\n"
      f"{out1.stdout}{out1.stderr[-300:]}\n{out2.stdout}{out2.stderr[-300:]}",
      got1 == NOTES and got2 == "    3  release\n    3  tests\n")

errors = "".join(line for line in read("app.log").splitlines(True) if "ERROR" in line)
out1, got1 = words("-n", "3", stdin=errors)
out2, got2 = words(stdin="Cats and dogs. Dogs chase cats; cats win.\nthe dogs sleep\n")
check(f"with no file it reads standard input (grep ERROR app.log | python3 top_words.py -n 3):\n"
      f"{out1.stdout}{out1.stderr[-300:]}\n{out2.stdout}{out2.stderr[-300:]}",
      got1 == "    4  error\n    4  order\n    3  gateway\n"
      and got2 == "    3  cats\n    3  dogs\n    1  chase\n    1  sleep\n    1  win\n")

out1, got1 = words("-", stdin="b a b\nc b a\n")
out2, got2 = words("-", "-n", "1", stdin="b a b\nc b a\n")
check(f"a file name of - means standard input too:\n{out1.stdout}{out1.stderr[-300:]}\n{out2.stdout}{out2.stderr[-300:]}",
      got1 == "    3  b\n    1  c\n" and got2 == "    3  b\n")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
