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

ORIG = Path(__file__).parent / "orig"

CUSTOMERS = [
    {"id": "K1", "name": "Boulangerie Roux SARL", "address": ["3 rue Verte", "69001 Lyon"], "vat_id": "FR40303265045"},
    {"id": "K2", "name": "Nadia Osei", "address": ["Flat 2", "9 Mill Lane", "York YO1 7HH"]},
    {"id": "K3", "name": "Van Dijk BV", "address": [], "vat_id": "NL004495445B01"},
    {"id": "K4", "name": "Pedro Alves", "address": ["Rua Nova 8", "Porto"], "vat_id": None},
]
ORDERS = [
    {"id": "A-7", "customer_id": "K1", "date": "2024-05-01", "lines": [
        {"description": "Croissant trays", "quantity": 12, "unit_price": 7.25}]},
    {"id": "A-8", "customer_id": "K2", "date": "2024-05-02", "lines": [
        {"description": "Knitting kit", "quantity": 1, "unit_price": 39.9},
        {"description": "Wool, merino", "quantity": 6, "unit_price": 8.4}]},
    {"id": "A-9", "customer_id": "K3", "date": "2024-05-03", "lines": [
        {"description": "Tulip bulbs (100)", "quantity": 3, "unit_price": 22.0}]},
    {"id": "A-10", "customer_id": "K4", "date": "2024-05-04", "lines": [
        {"description": "Cork board", "quantity": 2, "unit_price": 15.5}]},
]


def invoice(code_dir, data_dir, order_id):
    """Run main.py from a copy of code_dir whose data/ is data_dir; (exit code, stdout lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "w"
        try:
            shutil.copytree(code_dir, work, ignore=shutil.ignore_patterns("__pycache__", "data"))
            shutil.copytree(data_dir, work / "data")
        except OSError as error:
            return None, [repr(error)]
        out = run("python3", "main.py", order_id, cwd=work,
                  env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        return out.returncode, (out.stdout + out.stderr[-300:]).rstrip("\n").split("\n")


def with_vat(lines, vat_id):
    at = next(i for i, line in enumerate(lines) if line.startswith("Bill to:"))
    return lines[:at + 1] + [f"VAT ID: {vat_id}"] + lines[at + 1:]


def same(got, want):
    code, lines = got
    return code == 0 and [l.strip() for l in lines] == [l.strip() for l in want[1]]


got = invoice(".", ORIG / "data", "1002")
want = invoice(ORIG, ORIG / "data", "1002")
check("order 1002 (Acme Tools GmbH) shows VAT ID: DE129274202 under Bill to:, rest unchanged\n" + "\n".join(got[1]),
      same(got, (0, with_vat(want[1], "DE129274202"))))

with tempfile.TemporaryDirectory() as data:
    Path(data, "customers.json").write_text(json.dumps(CUSTOMERS))
    Path(data, "orders.json").write_text(json.dumps(ORDERS))
    vat = [(invoice(".", data, o), invoice(ORIG, data, o), v) for o, v in (("A-7", "FR40303265045"), ("A-9", "NL004495445B01"))]
    check("other customers with a VAT ID get their line too: " + repr([g for g, _, _ in vat]),
          all(same(g, (0, with_vat(w[1], v))) for g, w, v in vat))
    plain = [(invoice(".", data, o), invoice(ORIG, data, o)) for o in ("A-8", "A-10")]
    plain += [(invoice(".", ORIG / "data", o), invoice(ORIG, ORIG / "data", o)) for o in ("1001", "1003")]
    check("invoices of customers without a VAT ID are unchanged: " + repr([g for g, w in plain if g != w]),
          all(g == w and w[0] == 0 for g, w in plain))

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
