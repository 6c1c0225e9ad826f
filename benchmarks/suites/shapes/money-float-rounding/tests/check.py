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



import shutil, tempfile

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

with tempfile.TemporaryDirectory() as tmp:
    if Path("receipt.py").exists():
        shutil.copy("receipt.py", tmp)
    shutil.copy(Path(__file__).parent / "test_receipt.orig.py", Path(tmp, "test_receipt.py"))
    out = run("python3", "-m", "unittest", "test_receipt", cwd=tmp, env=ENV)
check(f"python3 -m unittest test_receipt passes (with the original tests): {out.stderr[-600:]!r}", out.returncode == 0)

WANT = """Coffee beans 1kg      1 x   24.50     24.50
Oat milk              2 x    3.55      7.10
Pour-over filter      1 x   18.40     18.40
Subtotal                              50.00
Tax                                    4.13
Total                                 54.13"""
out = run("python3", "receipt.py", "cart.csv", env=ENV)
check(f"python3 receipt.py cart.csv prints the till's numbers:\n{out.stdout}{out.stderr[-300:]}",
      out.returncode == 0 and out.stdout.strip("\n") == WANT)

PROBE = """
import json
from receipt import build_receipt
carts = [
    [("Pen", "2.00", 3)],
    [("Lamp", "64.99", 2)],
    [("Bulb", "0.10", 3), ("Cord", "0.20", 1), ("Stand", "129.50", 1), ("Clip", "0.20", 1)],
    [("Desk", "194.00", 1)],
    [("Tea", "3.33", 7), ("Mug", "12.99", 1), ("Jar", "0.01", 1)],
]
out = []
for cart in carts:
    lines = build_receipt(cart)
    lines = lines.splitlines() if isinstance(lines, str) else list(lines)
    out.append([line.rstrip() for line in lines])
print(json.dumps(out))
"""
WANT = [
    ["Pen                   3 x    2.00      6.00", "Subtotal                               6.00",
     "Tax                                    0.50", "Total                                  6.50"],
    ["Lamp                  2 x   64.99    129.98", "Subtotal                             129.98",
     "Tax                                   10.72", "Total                                140.70"],
    ["Bulb                  3 x    0.10      0.30", "Cord                  1 x    0.20      0.20",
     "Stand                 1 x  129.50    129.50", "Clip                  1 x    0.20      0.20",
     "Subtotal                             130.20", "Tax                                   10.74",
     "Total                                140.94"],
    ["Desk                  1 x  194.00    194.00", "Subtotal                             194.00",
     "Tax                                   16.01", "Total                                210.01"],
    ["Tea                   7 x    3.33     23.31", "Mug                   1 x   12.99     12.99",
     "Jar                   1 x    0.01      0.01", "Subtotal                              36.31",
     "Tax                                    3.00", "Total                                 39.31"],
]
out = run("python3", "-c", PROBE, env=ENV)
try:
    got = json.loads(out.stdout)
except ValueError:
    got = None
bad = [(g, w) for g, w in zip(got or [], WANT) if g != w]
check(f"build_receipt gets other carts right to the cent: {bad[:2] if got else out.stderr[-400:]!r}",
      got is not None and len(got) == len(WANT) and not bad)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
