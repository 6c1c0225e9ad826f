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


import csv, importlib.util, io, random, tempfile

sys.dont_write_bytecode = True
spec = importlib.util.spec_from_file_location("orders_orig", Path(__file__).parent / "orders.orig.py")
orig = importlib.util.module_from_spec(spec)
spec.loader.exec_module(orig)
sys.path.insert(0, os.getcwd())

FIELDS = ["sku", "qty", "unit_price", "discount", "customer"]
rng = random.Random(5)


def random_row():
    return {
        "sku": rng.choice(["tea-01", "MUG-3", " jar-7 ", "", "#note", "spoon-2", "Box-10"]),
        "qty": rng.choice(["1", "2", " 3", "10", "0", "-1", "two", "", "1.5"]),
        "unit_price": rng.choice(["4.50", "€12.99", "€ 3", "4,50", "0.99", "100", ""]),
        "discount": rng.choice(["", "", "10%", "0.05", "12.5%", " 0.2 "]),
        "customer": rng.choice(["ana lima", "Ben  Ortiz", "ANA LIMA", "", "chen wu", " dora  k "]),
    }


def write_csv(rows):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    tmp = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
    tmp.write(buf.getvalue())
    tmp.close()
    return tmp.name


def orig_line(row):
    """What the original code made of this single row: the line dict or None."""
    path = write_csv([row])
    try:
        customers = orig.import_orders(path)
    finally:
        os.unlink(path)
    lines = [line for entry in customers.values() for line in entry["lines"]]
    return lines[0] if lines else None


try:
    import orders
except Exception as error:
    orders = None
    print("cannot import orders:", repr(error))

rows = [random_row() for _ in range(120)]
try:
    got = [orders.parse_row(dict(row)) for row in rows]
    want = [orig_line(row) for row in rows]
    bad = [(row, g, w) for row, g, w in zip(rows, got, want) if g != w][:2]
    ok = not bad and any(w is None for w in want) and any(w is not None for w in want)
except Exception as error:
    ok, bad = False, repr(error)
check(f"parse_row(row) returns the line dict, or None for skipped rows: {bad}", ok)

files = ["orders.csv"] + [write_csv([random_row() for _ in range(n)]) for n in (0, 5, 60)]
try:
    diff = [f for f in files if orders.import_orders(f) != orig.import_orders(f)]
    ok = not diff
except Exception as error:
    ok, diff = False, repr(error)
check(f"import_orders returns the same as before on orders.csv and other exports: {diff}", ok)

try:
    real, calls = orders.parse_row, []
    orders.parse_row = lambda row: calls.append(row) or real(row)
    counted = orders.import_orders(files[3])
    orders.parse_row = lambda row: None
    nothing = orders.import_orders("orders.csv")
    orders.parse_row = real
    ok = counted == orig.import_orders(files[3]) and len(calls) >= 30 and nothing == {}
    detail = f"{len(calls)} calls, all-None gives {nothing!r}"
except Exception as error:
    ok, detail = False, repr(error)
check(f"import_orders goes through parse_row for the rows: {detail}", ok)
for f in files[1:]:
    os.unlink(f)

out = run("python3", "-m", "unittest", "test_orders", env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
check(f"python3 -m unittest test_orders passes: {out.stderr[-400:]!r}", out.returncode == 0)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
