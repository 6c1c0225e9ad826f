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


EXPECTED = """Invoice #17
TEA-01     2 x 4.50 EUR
MUG-3      1 x 12.99 EUR
TOTAL      21.99 EUR
VAT 20%    4.40 EUR
DUE        26.39 EUR"""

out = run("python3", "main.py")
check("python3 main.py prints the same invoice", out.returncode == 0 and out.stdout.strip() == EXPECTED)
probe = run("python3", "-c", "from shop.money import format_price; print(format_price(-5)); print(format_price(123456, 'USD'))")
check("shop.money.format_price works", probe.stdout.split("\n")[:2] == ["-0.05 EUR", "1234.56 USD"])
probe = run("python3", "-c", "import shop.utils as u; print(hasattr(u, 'format_price'), u.normalize_sku(' ab 1'), u.parse_quantity('4'))")
check("utils.py lost format_price, kept the rest", probe.stdout.strip() == "False AB-1 4")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
