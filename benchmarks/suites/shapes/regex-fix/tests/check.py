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


import tempfile
sys.path.insert(0, ".")

EXAMPLE = "2024-03-05T10:15:40+01:00 2001:db8::42 GET /api/items 200 1337"
IPV6 = ["::1", "fe80::1ff:fe23:4567:890a", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "2001:DB8:0:0:8:800:200C:417A", "::ffff:192.0.2.128"]
GOOD = [
    "2024-03-06T08:00:01+01:00 192.0.2.10 GET / 200 900",
    "2024-03-06T08:00:02Z 2001:db8::42 GET /api/items 200 1000",
    "2024-03-06T08:00:03-05:00 ::1 POST /api/orders 201 50",
    "2024-03-06T08:00:04+01:00 fe80::1ff:fe23:4567:890a GET /missing 404 10",
    "2024-03-06T08:00:05+01:00 192.0.2.10 GET /api/items 500 5",
    "2024-03-06T08:00:06+01:00 2001:0db8:85a3:0000:0000:8a2e:0370:7334 DELETE /api/items/3 204 0",
]
BAD = [
    "-- server started 2024-03-06T08:00:00+01:00 --",
    "2024-03-06T08:00:07+01:00 2001:db8::42 GET /api/it",
    "2024-03-06T08:00:08+01:00 192.0.2.10 GET /api/items 2OO 12",
    "2024-03-06T08:00:09+01:00 2001:db8::42 GET /api/items 200",
    "GET /api/items 200 12",
]

try:
    import logparse
    entry = logparse.parse_line(EXAMPLE)
    check(f"the example line parses: {entry}",
          isinstance(entry, dict) and entry.get("ip") == "2001:db8::42" and entry.get("status") == 200
          and entry.get("bytes") == 1337 and entry.get("path") == "/api/items")
    got = {ip: (logparse.parse_line(f"2024-03-05T10:16:00+01:00 {ip} GET /health 200 2") or {}).get("ip")
           for ip in IPV6}
    check(f"other IPv6 addresses parse: {got}", all(got[ip] == ip for ip in IPV6))
except Exception as error:
    check(f"import logparse and parse lines: {error!r}", False)

with tempfile.TemporaryDirectory() as tmp:
    log = Path(tmp) / "access.log"
    log.write_text("\n".join(GOOD[:3] + BAD[:2] + GOOD[3:] + BAD[2:]) + "\n")
    out = run("python3", "logparse.py", str(log))
    print(out.stdout + out.stderr[-300:])
    lines = out.stdout.splitlines()
    check("logparse.py on a mixed log: 6 requests, 5 clients, 1965 bytes, the broken lines skipped",
          out.returncode == 0 and "requests: 6" in lines and "clients: 5" in lines
          and "bytes: 1965" in lines and "skipped: 5" in lines and "  200: 2" in lines)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
