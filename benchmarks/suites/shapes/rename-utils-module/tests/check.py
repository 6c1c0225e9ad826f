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


import ast

EXPECTED = """The Return of the King    /posts/the-return-of-the-king
A Tale of Two Cities      /posts/a-tale-of-two-cities
Notes on Python Packa...  /posts/notes-on-python-packaging-in-2024"""

probe = run("python3", "-c", "import textutils as t; print(t.slugify('A b'), t.title_case('war and peace'), t.truncate('abcdefgh', 6))")
check(f"textutils.py has the helpers, utils.py is gone: {probe.stdout.strip() or probe.stderr.strip()[-200:]!r}",
      not Path("utils.py").exists() and probe.stdout.strip() == "a-b War and Peace abc...")
still = []
for path in sorted(Path(".").rglob("*.py")):
    try:
        nodes = list(ast.walk(ast.parse(read(path) or "")))
    except SyntaxError:
        still.append(f"{path} (syntax error)")
        continue
    for node in nodes:
        if isinstance(node, ast.Import) and any(a.name == "utils" for a in node.names):
            still.append(str(path))
        if isinstance(node, ast.ImportFrom) and node.module == "utils":
            still.append(str(path))
check(f"nothing imports utils any more {still}", not still)
out = run("python3", "main.py")
check(f"python3 main.py prints the same: {out.stderr.strip()[-200:]!r}",
      out.returncode == 0 and out.stdout.rstrip() == EXPECTED)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
