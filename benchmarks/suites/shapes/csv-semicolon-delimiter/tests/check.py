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



import tempfile

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")


def report(path):
    out = run("python3", "totals.py", str(path), env=ENV)
    return out, out.returncode == 0 and out.stdout


def table(rows):
    return "".join(f"{region:<12} {total:>10.2f}\n" for region, total in rows)


out, got = report("sales.csv")
want = table([("North", 138.90), ("South", 52.40), ("West", 48.25), ("TOTAL", 239.55)])
check(f"python3 totals.py sales.csv prints the same as before:\n{out.stdout}{out.stderr[-300:]}", got == want)

out, got = report("sales_de.csv")
want = table([("Nord", 138.90), ("Ost", 94.75), ("Sued", 25.00), ("TOTAL", 258.65)])
check(f"python3 totals.py sales_de.csv reads the semicolon file:\n{out.stdout}{out.stderr[-300:]}", got == want)

with tempfile.TemporaryDirectory() as tmp:
    semi = Path(tmp, "export 2024-06.csv")
    semi.write_text("region;amount;date;product\n"
                    "Süd;10.00;2024-06-01;\"Lampe, Messing\"\n"
                    "Nord;2.50;2024-06-01;\"Kabel; lang\"\n"
                    ";99.00;2024-06-02;ohne Region\n"
                    "Süd;7.25;2024-06-03;Matte\n"
                    "Ost;100.00;2024-06-03;\"Tisch, \"\"Eiche\"\"\"\n", encoding="utf-8")
    comma = Path(tmp, "us.csv")
    comma.write_text("product,amount,region\n"
                     "\"Lamp; brass\",5.00,East\n"
                     "Mat,1.25,East\n"
                     "\"Desk, oak\",300.00,Central\n", encoding="utf-8")
    out1, got1 = report(semi)
    out2, got2 = report(comma)
want1 = table([("Nord", 2.50), ("Ost", 100.00), ("Süd", 17.25), ("TOTAL", 119.75)])
want2 = table([("Central", 300.00), ("East", 6.25), ("TOTAL", 306.25)])
check(f"other semicolon and comma files (columns in another order, quoted fields) work too:\n"
      f"{out1.stdout}{out1.stderr[-300:]}\n{out2.stdout}{out2.stderr[-300:]}", got1 == want1 and got2 == want2)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
