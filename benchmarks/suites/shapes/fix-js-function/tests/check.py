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


ORIGINAL_TEST = (Path(__file__).parent / "test.orig.js").read_text()

PROBE = """
const m = require("./src");
const out = {};
for (const c of [1005, 7, 0, -5, 100000, 123456, 1999, -1250, 99, 300]) out[c] = m.formatPrice(c);
out.summary = m.cartSummary([{ sku: "A", priceCents: 301, qty: 3 }]);
out.one = m.cartSummary([{ sku: "B", priceCents: 1000, qty: 1 }]);
out.total = m.cartTotal([{ sku: "A", priceCents: 301, qty: 3 }, { sku: "C", priceCents: 5, qty: 2 }]);
console.log(JSON.stringify(out));
"""

out = run("node", "test.js")
check(f"node test.js passes, test.js unchanged (exit {out.returncode})",
      out.returncode == 0 and read("test.js") == ORIGINAL_TEST)
probe = run("node", "-e", PROBE)
try:
    got = json.loads(probe.stdout)
except ValueError:
    got = {"error": (probe.stdout + probe.stderr)[-300:]}
    print(got)
want = {"1005": "$10.05", "7": "$0.07", "0": "$0.00", "-5": "-$0.05", "100000": "$1,000.00",
        "123456": "$1,234.56", "1999": "$19.99", "-1250": "-$12.50", "99": "$0.99", "300": "$3.00"}
check(f"formatPrice pads the cents: {[(k, got.get(k)) for k, v in want.items() if got.get(k) != v]}",
      all(got.get(k) == v for k, v in want.items()))
check(f"cartSummary and cartTotal: {got.get('summary')!r}, {got.get('one')!r}, {got.get('total')!r}",
      got.get("summary") == "3 items, $9.03" and got.get("one") == "1 item, $10.00"
      and got.get("total") == 913)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
