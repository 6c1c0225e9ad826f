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


import re
import shutil
import tempfile

ORIGINAL = (Path(__file__).parent / "textutil.orig.py").read_text()


def run_tests_with(source):
    """Run the agent's tests on a copy of the workspace whose textutil.py is `source`."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "w"
        shutil.copytree(".", copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (copy / "textutil.py").write_text(source)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        out = run("python3", "-m", "unittest", "test_textutil", cwd=copy, env=env)
        ran = re.search(r"Ran (\d+) test", out.stderr)
        return out.returncode, int(ran.group(1)) if ran else 0


def mutant(old, new):
    assert old in ORIGINAL, old
    return ORIGINAL.replace(old, new)


check("textutil.py unchanged", read("textutil.py") == ORIGINAL)
if read("test_textutil.py") is None:
    check("test_textutil.py exists", False)
else:
    code, count = run_tests_with(ORIGINAL)
    check("the tests run and pass on textutil.py", code == 0 and count >= 1)
    code, _ = run_tests_with(mutant("    text = text.lower()\n", ""))
    check("they catch slugify not lowercasing", code != 0)
    caught = [run_tests_with(mutant('r"[^a-z0-9]+"', 'r"[^a-z0-9]"'))[0] != 0,
              run_tests_with(mutant('return text.strip("-")', "return text"))[0] != 0]
    check(f"they catch hyphen bugs (repeated, at the ends): {caught}", all(caught))

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
