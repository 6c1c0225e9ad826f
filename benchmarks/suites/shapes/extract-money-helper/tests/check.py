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


import importlib.util


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


orig = load(Path(__file__).parent / "reports.orig.py", "reports_orig")
try:
    reports = load(Path("reports.py").resolve(), "reports")
except Exception as error:
    print(f"cannot import reports.py: {error!r}")
    reports = None

VALUES = [0, 5, -5, 99, 100, 2450, -500, 123456, -123456, 100000000, -7]
try:
    got = [reports.format_money(v) for v in VALUES]
except Exception as error:
    got = repr(error)
check(f"format_money formats cents: {got!r}",
      got == ["$0.00", "$0.05", "-$0.05", "$0.99", "$1.00", "$24.50", "-$5.00", "$1,234.56", "-$1,234.56",
              "$1,000,000.00", "-$0.07"])

try:
    real = reports.format_money
    reports.format_money = lambda cents: f"<M{cents}>"
    try:
        spied = [reports.invoice_line("Tea", 3, 450),
                 reports.summary("B-7", {"net": 7350, "tax": 588, "shipping": -500}),
                 reports.refund_notice("Ada", 1999, "late")]
    finally:
        reports.format_money = real
    ok = ("<M1350>" in spied[0] and all(f"<M{v}>" in spied[1] for v in (7350, 588, -500, 7438))
          and "<M1999>" in spied[2] and "$" not in "".join(spied))
except Exception as error:
    spied, ok = repr(error), False
check(f"invoice_line, summary and refund_notice get every amount from format_money: {spied!r}", ok)

CASES = [
    ("invoice_line", ("Espresso beans 1 kg", 3, 2450)), ("invoice_line", ("Gift card", 1, 100000)),
    ("invoice_line", ("Return: mug", -2, 899)), ("invoice_line", ("Sticker", 10, 5)),
    ("summary", ("A-1042", {"net": 7350, "tax": 588, "shipping": -500})),
    ("summary", ("Z-1", {"net": 0, "tax": 0, "shipping": 0})),
    ("summary", ("Q-9", {"net": -250000, "tax": 12, "shipping": 1999})),
    ("refund_notice", ("Sam", 123456, "damaged in transit")), ("refund_notice", ("Li", 7, "price match")),
    ("refund_notice", ("Bo", -300, "correction")),
]
diffs = []
for name, args in CASES:
    try:
        mine = getattr(reports, name)(*args)
    except Exception as error:
        mine = repr(error)
    if mine != getattr(orig, name)(*args):
        diffs.append((name, args, mine))
check(f"the three functions produce the same text as before: {diffs!r}", not diffs)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
