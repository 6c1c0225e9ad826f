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


EXPECTED = """Report for 2024-03-15
Renew domain: due 2024-03-01, 14 day(s) late
File taxes: due 2024-03-10, 5 day(s) late
Book flights: due 2024-04-02"""

left = [str(p) for p in sorted(Path(".").rglob("*.js")) if "fmtDate" in (read(p) or "")]
check(f"no fmtDate left {left}", not left)
out = run("node", "main.js")
check(f"node main.js prints the same report: {out.stderr.strip()[-300:]!r}",
      out.returncode == 0 and out.stdout.strip() == EXPECTED)
probe = run("node", "-e", 'const d = require("./lib/dates"); '
            'console.log(typeof d.formatDate, d.formatDate(new Date(Date.UTC(2023, 11, 5))))')
check(f"lib/dates.js exports formatDate: {probe.stdout.strip() or probe.stderr.strip()[-200:]!r}",
      probe.stdout.strip() == "function 2023-12-05")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
