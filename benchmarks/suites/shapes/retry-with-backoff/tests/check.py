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

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

with tempfile.TemporaryDirectory() as tmp:
    for name in ("rates.py", "net.py"):
        if Path(name).exists():
            shutil.copy(name, tmp)
    shutil.copy(Path(__file__).parent / "test_rates.orig.py", Path(tmp, "test_rates.py"))
    out = run("python3", "-m", "unittest", "test_rates", cwd=tmp, env=ENV)
check(f"python3 -m unittest test_rates passes (with the original tests): {out.stderr[-600:]!r}", out.returncode == 0)

PROBE = r"""
import json, sys, time
sleeps = []
time.sleep = lambda seconds: sleeps.append(seconds)
import net, rates

GOOD = '{"base": "EUR", "rates": {"USD": "1.08", "JPY": 169.5}}'


def scenario(outcomes):
    # outcomes: exceptions to raise or bodies to return, one per call (the last one repeats)
    calls = []
    del sleeps[:]

    def fake(url, *args, **kwargs):
        calls.append(url)
        outcome = outcomes[min(len(calls), len(outcomes)) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    net.http_get = fake
    if hasattr(rates, "http_get"):
        rates.http_get = fake
    try:
        result = ["ok", rates.fetch_rates("EUR")]
    except Exception as error:
        result = ["raised", type(error).__name__, str(error)]
    return {"result": result, "calls": len(calls), "sleeps": list(sleeps)}


name = sys.argv[1]
if name == "transient":
    report = [scenario([ConnectionError("reset"), TimeoutError("slow"), GOOD]),
              scenario([ConnectionResetError("reset by peer"), GOOD]),
              scenario([GOOD])]
elif name == "down":
    report = [scenario([ConnectionError("fail 1"), TimeoutError("fail 2"), ConnectionError("fail 3"),
                        ConnectionError("fail 4"), ConnectionError("fail 5")])]
else:
    report = [scenario(['{"base": "USD", "rates": {}}']), scenario(["<html>oops</html>"]),
              scenario([KeyError("boom"), GOOD])]
print(json.dumps(report))
"""


def probe(name):
    out = run("python3", "-c", PROBE, name, env=ENV)
    try:
        return json.loads(out.stdout), out
    except ValueError:
        return None, out


RATES = ["ok", {"USD": 1.08, "JPY": 169.5}]
got, out = probe("transient")
check(f"retries ConnectionError/TimeoutError, sleeping 1 then 2 seconds, then returns the rates: {got} {out.stderr[-400:]!r}",
      got == [{"result": RATES, "calls": 3, "sleeps": [1, 2]},
              {"result": RATES, "calls": 2, "sleeps": [1]},
              {"result": RATES, "calls": 1, "sleeps": []}])

got, out = probe("down")
check(f"gives up after 4 attempts (sleeps 1, 2, 4) and raises the last error: {got} {out.stderr[-400:]!r}",
      got == [{"result": ["raised", "ConnectionError", "fail 4"], "calls": 4, "sleeps": [1, 2, 4]}])

got, out = probe("other")
ok = (got is not None and len(got) == 3
      and got[0]["result"][:2] == ["raised", "ValueError"] and got[0]["calls"] == 1 and got[0]["sleeps"] == []
      and got[1]["result"][:2] == ["raised", "JSONDecodeError"] and got[1]["calls"] == 1 and got[1]["sleeps"] == []
      and got[2]["result"][:2] == ["raised", "KeyError"] and got[2]["calls"] == 1 and got[2]["sleeps"] == [])
check(f"other errors (wrong base, bad JSON, anything else) are raised at once, not retried: {got} {out.stderr[-400:]!r}", ok)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
