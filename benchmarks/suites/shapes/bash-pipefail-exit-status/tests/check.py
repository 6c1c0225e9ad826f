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


import gzip, shutil, tempfile

BASE_ENV = {k: v for k, v in os.environ.items() if k != "EXPORT_SOURCE"}
HISTORY = "20240101 3\n"
WANT_CSV = """sku,name,warehouse,qty,unit_price
BK-090,Sketchbook A4,bristol,75,7.20
ST-013,Stapler,bristol,18,11.00
BK-104,Notebook A5,leeds,340,2.50
PN-220,"Gel pen, black",leeds,1200,0.85
"""


def nightly(tmp, name, source=None):
    work = Path(tmp, name, "work")
    shutil.copytree(".", work, ignore=shutil.ignore_patterns("exports", "__pycache__"))
    outdir = Path(tmp, name, "out dir")
    outdir.mkdir()
    (outdir / "history.txt").write_text(HISTORY)
    env = dict(BASE_ENV, PYTHONDONTWRITEBYTECODE="1")
    if source is not None:
        env["EXPORT_SOURCE"] = source
    out = run("bash", "nightly.sh", str(outdir), cwd=work, env=env)
    archives = sorted(outdir.glob("inventory-*.csv.gz"))
    csv_text = gzip.decompress(archives[0].read_bytes()).decode() if len(archives) == 1 else None
    return out, read(outdir / "history.txt"), csv_text, archives


with tempfile.TemporaryDirectory() as tmp:
    out, history, csv_text, archives = nightly(tmp, "ok")
    stamp = archives[0].name[len("inventory-"):-len(".csv.gz")] if archives else "?"
    check(f"a normal run exports, records the history line and exits 0: {out.returncode} {out.stdout!r} {out.stderr[-300:]!r} {history!r}",
          out.returncode == 0 and csv_text == WANT_CSV and history == HISTORY + f"{stamp} 4\n"
          and "export ok: 4 rows" in out.stdout
          and Path(str(archives[0]) + ".sha256").is_file())

    bad = Path(tmp, "bad.json")
    bad.write_text('[{"sku": "X-1", "name": "Widget", "warehouse": "leeds", "qty": 3}]')
    failures = []
    for label, source in [("missing file", str(Path(tmp, "missing.json"))), ("bad record", str(bad))]:
        out, history, _, _ = nightly(tmp, label.replace(" ", "-"), source)
        failures.append((label, out.returncode, "export ok" in out.stdout, history))
    check(f"a failing export makes the script exit non-zero and leaves history.txt alone: {failures}",
          all(rc != 0 and not said_ok and history == HISTORY for _, rc, said_ok, history in failures))

    empty = Path(tmp, "empty.json")
    empty.write_text("[]")
    out, history, csv_text, archives = nightly(tmp, "empty", str(empty))
    stamp = archives[0].name[len("inventory-"):-len(".csv.gz")] if archives else "?"
    check(f"an empty inventory is still a successful export of 0 rows: {out.returncode} {out.stdout!r} {out.stderr[-300:]!r} {history!r}",
          out.returncode == 0 and csv_text == "sku,name,warehouse,qty,unit_price\n"
          and history == HISTORY + f"{stamp} 0\n" and "export ok: 0 rows" in out.stdout)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
