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

EXPECTED = """page 2/5: product-06, product-07, product-08, product-09, product-10
letters, page 2 of 3: ['d', 'e', 'f']"""

sig = run("python3", "-c", "import inspect, paging; print(list(inspect.signature(paging.paginate).parameters))")
check(f"paginate takes page_size, not size: {sig.stdout.strip() or sig.stderr.strip()[-200:]}",
      sig.stdout.strip() == "['items', 'page', 'page_size']")
old_calls = []
for path in sorted(Path(".").rglob("*.py")):
    try:
        nodes = list(ast.walk(ast.parse(read(path) or "")))
    except SyntaxError:
        old_calls.append(f"{path} (syntax error)")
        continue
    for node in nodes:
        if isinstance(node, ast.Call) and any(k.arg == "size" for k in node.keywords):
            old_calls.append(f"{path}:{node.lineno}")
check(f"no call passes size= any more {old_calls}", not old_calls)
out = run("python3", "cli.py", "2")
check(f"python3 cli.py 2 prints the same: {out.stderr.strip()[-200:]!r}",
      out.returncode == 0 and out.stdout.strip() == EXPECTED)
probe = run("python3", "-c", "from paging import paginate; print(paginate(list(range(7)), page=3, page_size=3))")
check(f"paginate(..., page_size=3) works: {probe.stdout.strip() or probe.stderr.strip()[-200:]!r}",
      probe.stdout.strip() == "([6], 3)")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
