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
    if Path("timesheet").is_dir():
        shutil.copytree("timesheet", Path(tmp, "timesheet"))
    Path(tmp, "tests").mkdir()
    shutil.copy(Path(__file__).parent / "test_timesheet.orig.py", Path(tmp, "tests", "test_timesheet.py"))
    out = run("python3", "-m", "unittest", "discover", "-s", "tests", cwd=tmp, env=ENV)
check(f"python3 -m unittest discover -s tests passes (with the original tests): {out.stderr[-800:]!r}",
      out.returncode == 0 and "Ran 5 tests" in out.stderr)

PROBE = """
from timesheet import Entry, invoice_lines, invoice_total, round_up
print([round_up(m) for m in (50, 60, 61, 1, 14, 15, 0, -5, 119)])
print([round_up(m, step) for m, step in ((7, 10), (30, 30), (31, 30), (1, 60), (61, 1))])
entries = [Entry("2024-06-03", "umbrella", "Audit", "3h01m"), Entry("2024-06-01", "umbrella", "Call", "10m"),
           Entry("2024-06-02", "umbrella", "Report", "45")]
print(invoice_lines(entries, "umbrella", "100", step=30))
print(invoice_total(entries, "umbrella", "60"))
"""
out = run("python3", "-c", PROBE, env=ENV)
want = ("[60, 60, 75, 15, 15, 15, 0, 0, 120]\n[10, 30, 60, 60, 61]\n"
        "[('2024-06-01', 'Call', '30m', Decimal('50.00')), ('2024-06-02', 'Report', '1h', Decimal('100.00')), "
        "('2024-06-03', 'Audit', '3h30m', Decimal('350.00'))]\n255.00\n")
check(f"time is rounded up to whole steps (any step) and billed: {out.stdout!r} {out.stderr[-400:]!r}", out.stdout == want)

PROBE = """
from timesheet import format_minutes, parse_duration
print([parse_duration(t) for t in ("2h", "1h 5m", "0.25h", "90", "3m")])
print([format_minutes(m) for m in (0, 5, 60, 61, 600)])
try:
    parse_duration("later")
except ValueError:
    print("ValueError")
"""
out = run("python3", "-c", PROBE, env=ENV)
check(f"parsing and formatting durations still work: {out.stdout!r} {out.stderr[-400:]!r}",
      out.stdout == "[120, 65, 15, 90, 3]\n['0m', '5m', '1h', '1h01m', '10h']\nValueError\n")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
