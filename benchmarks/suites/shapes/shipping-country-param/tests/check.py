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


EXPECTED = """order 1 (US): $29.70
order 2 (CA): $43.80
order 3 (US): $46.00"""

sig = run("python3", "-c", "import inspect, pricing; ps = list(inspect.signature(pricing.shipping_cost).parameters.values()); "
          "print([(p.name, p.default is inspect.Parameter.empty) for p in ps])")
check(f"shipping_cost(weight_kg, country) with country required: {sig.stdout.strip() or sig.stderr.strip()[-200:]}",
      sig.stdout.strip() == "[('weight_kg', True), ('country', True)]")
probe = run("python3", "-c", "from pricing import shipping_cost as s; print(s(1.0, 'US'), s(2.0, 'CA'), s(0.5, 'DE'))")
check(f"US keeps the price, others pay double: {probe.stdout.strip() or probe.stderr.strip()[-200:]}",
      probe.stdout.split() == ["5.7", "13.8", "10.2"])
out = run("python3", "main.py")
check(f"python3 main.py prints the new totals: {out.stdout.strip() or out.stderr.strip()[-200:]!r}",
      out.returncode == 0 and out.stdout.strip() == EXPECTED)
ca, us = run("python3", "quote.py", "2.5", "CA"), run("python3", "quote.py", "2.5", "US")
check(f"quote.py takes the country: {ca.stdout.strip()!r} {us.stdout.strip()!r}",
      ca.returncode == 0 and "$15.00" in ca.stdout and us.returncode == 0 and "$7.50" in us.stdout)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
