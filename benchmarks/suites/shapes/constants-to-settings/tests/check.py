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

EXPECTED = """users: GET https://api.example.com/v2/users?limit=10 (timeout 15s)
orders: GET https://api.example.com/v2/orders?limit=10 (timeout 15s)
options: {'timeout': 15, 'headers': {'User-Agent': 'inventory-sync/1.4'}}
internal: True
retry budget: 45 s"""
NAMES = {"API_BASE_URL", "TIMEOUT_SECONDS"}

probe = run("python3", "-c", "import settings; print(repr(settings.API_BASE_URL), repr(settings.TIMEOUT_SECONDS))")
check(f"settings.py defines both constants: {probe.stdout.strip() or probe.stderr.strip()[-200:]}",
      probe.stdout.strip() == "'https://api.example.com/v2' 15")


def tree(path):
    try:
        return ast.parse(read(path) or "")
    except SyntaxError:
        return ast.parse("")


assigned = {t.id for node in tree("client.py").body if isinstance(node, (ast.Assign, ast.AnnAssign))
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)}
check(f"client.py no longer defines them (assigns {sorted(assigned)})",
      read("client.py") is not None and not (assigned & NAMES) and "USER_AGENT" in assigned)
through_client = []
for path in sorted(Path(".").glob("*.py")):
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module == "client" and {a.name for a in node.names} & NAMES:
            through_client.append(path.name)
        if isinstance(node, ast.Attribute) and node.attr in NAMES and getattr(node.value, "id", "") == "client":
            through_client.append(path.name)
check(f"nothing gets them through client {through_client}", not through_client)
out = run("python3", "main.py")
check(f"python3 main.py output unchanged: {out.stderr.strip()[-200:]!r}",
      out.returncode == 0 and out.stdout.strip() == EXPECTED)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
