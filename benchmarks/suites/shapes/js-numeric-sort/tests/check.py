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


HERE = Path(__file__).parent

out = run("node", "-e", (HERE / "test.orig.js").read_text())
check(f"the original test.js passes: {out.stdout[-600:]!r} {out.stderr[-300:]!r}",
      out.returncode == 0 and "not ok" not in out.stdout and "all passing" in out.stdout)

out = run("node", "report.js", "latencies.txt")
want = "requests: 20\nmedian:   98.5 ms\np95:      1400 ms\nslowest:  2210, 1400, 640 ms"
check(f"node report.js latencies.txt prints the right numbers:\n{out.stdout}{out.stderr[-300:]}",
      out.returncode == 0 and out.stdout.strip() == want)

PROBE = """
const s = require("./lib/stats");
const xs = [1000, 200, 30, 4, 7, 65, 5000, 12];
console.log(JSON.stringify([
  s.median(xs), s.median([1000, 200, 30, 4]), s.median([42]), s.percentile(xs, 90), s.percentile(xs, 25),
  s.percentile(xs, 100), s.slowest(xs, 4), s.slowest([3, 21], 5), s.median([-5, -40, 3]),
]));
"""
out = run("node", "-e", PROBE)
want = [47.5, 115, 42, 5000, 7, 5000, [5000, 1000, 200, 65], [21, 3], -5]
try:
    got = json.loads(out.stdout)
except ValueError:
    got = None
check(f"median, percentile and slowest are right on other numbers: {got} {out.stderr[-300:]!r}", got == want)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
