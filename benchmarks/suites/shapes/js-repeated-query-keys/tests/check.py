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


ORIGINAL_TEST = (Path(__file__).parent / "test.orig.js").read_text()

PROBE = r"""
const { parseQuery, buildQuery } = require("./src");
const out = {};
const cases = {
  example: "tag=a&tag=b&page=2",
  three: "?c=x&c=y&c=z",
  encoded: "name=Ann+Lee&name=B%C3%B8&q=red+shoes",
  mixed: "a=1&b=2&a=3&empty=&empty=&c",
  single: "?q=shoes&brand=M%26S&debug",
};
for (const [k, v] of Object.entries(cases)) {
  try { out[k] = parseQuery(v); } catch (e) { out[k] = "error: " + e.message; }
}
try {
  const params = { tag: ["red", "blue", "green"], page: "3", sort: "price" };
  out.roundtrip = parseQuery(buildQuery(params));
} catch (e) { out.roundtrip = "error: " + e.message; }
console.log(JSON.stringify(out));
"""

probe = run("node", "-e", PROBE)
try:
    got = json.loads(probe.stdout)
except ValueError:
    got = {}
    print((probe.stdout + probe.stderr)[-400:])

check(f"the example from the request: {got.get('example')!r}",
      got.get("example") == {"tag": ["a", "b"], "page": "2"})
want = {
    "three": {"c": ["x", "y", "z"]},
    "encoded": {"name": ["Ann Lee", "Bø"], "q": "red shoes"},
    "mixed": {"a": ["1", "3"], "b": "2", "empty": ["", ""], "c": ""},
}
check(f"repeated keys collect every value in order: {[(k, got.get(k)) for k in want]}",
      all(got.get(k) == v for k, v in want.items()))
out = run("node", "test.js")
check(f"single keys stay strings, buildQuery->parseQuery round-trips arrays, npm test passes and test.js "
      f"unchanged: {got.get('single')!r} {got.get('roundtrip')!r} (exit {out.returncode})",
      got.get("single") == {"q": "shoes", "brand": "M&S", "debug": ""}
      and got.get("roundtrip") == {"tag": ["red", "blue", "green"], "page": "3", "sort": "price"}
      and out.returncode == 0 and read("test.js") == ORIGINAL_TEST)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
