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


import random, tempfile, time

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
HERE = Path(__file__).parent


def timed(*argv):
    start = time.monotonic()
    out = run(*argv, env=ENV)
    return out, time.monotonic() - start


out, seconds = timed("python3", "convert.py", "expenses.csv")
same = out.returncode == 0 and out.stdout == (HERE / "expected.txt").read_text()
check(f"python3 convert.py expenses.csv prints the same as before (same={same}), in under 3.5 s ({seconds:.1f} s) "
      f"{out.stderr[-300:]!r}", same and seconds < 3.5)

RATES = {"EUR": 1.0, "USD": 0.9213, "GBP": 1.1702, "CHF": 1.0254, "JPY": 0.00591, "SEK": 0.08712, "PLN": 0.2331}
rng = random.Random(11)
rows, want, total = [], [], 0.0
for day in range(1, 37):
    currency = rng.choice(["USD", "GBP", "CHF", "JPY", "SEK", "PLN"])
    amount = rng.randint(100, 900000) / 100
    eur = round(amount * RATES[currency], 2)
    total += eur
    rows.append(f"2024-05-{1 + day % 28:02d},item {day},{currency},{amount:.2f}")
    want.append(f"2024-05-{1 + day % 28:02d}  {'item ' + str(day):<28} {amount:>10.2f} {currency}  = {eur:>9.2f} EUR")
want.append(f"total: {total:.2f} EUR")
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as tmp:
    tmp.write("date,description,currency,amount\n" + "\n".join(rows) + "\n")
out, seconds = timed("python3", "convert.py", tmp.name)
same = out.returncode == 0 and out.stdout.splitlines() == want
check(f"36 rows in 6 currencies convert correctly (same={same}) in under 4.5 s ({seconds:.1f} s) {out.stderr[-300:]!r}",
      same and seconds < 4.5)

PROBE = """
import sys, time
calls = []
time.sleep = lambda seconds: calls.append(seconds)
import convert
convert.main(sys.argv[1])
print("SLEEPS", len(calls))
"""
out = run("python3", "-c", PROBE, tmp.name, env=ENV)
os.unlink(tmp.name)
count = [int(line.split()[1]) for line in out.stdout.splitlines() if line.startswith("SLEEPS ")]
check(f"the rates service is still asked, at most once per currency (6 here): {count} {out.stderr[-300:]!r}",
      out.returncode == 0 and len(count) == 1 and 1 <= count[0] <= 6)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
