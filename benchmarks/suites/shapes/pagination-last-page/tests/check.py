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
    if Path("pagination.py").exists():
        shutil.copy("pagination.py", tmp)
    shutil.copy(Path(__file__).parent / "test_pagination.orig.py", Path(tmp, "test_pagination.py"))
    out = run("python3", "-m", "unittest", "test_pagination", cwd=tmp, env=ENV)
check(f"python3 -m unittest test_pagination passes (with the original tests): {out.stderr[-800:]!r}",
      out.returncode == 0 and "Ran 8 tests" in out.stderr)

PROBE = """
from pagination import page_count, paginate
bad = []
for per_page in (1, 3, 7, 10, 25):
    for total in range(0, 61):
        items = list(range(total))
        pages = page_count(total, per_page)
        want = max(1, (total + per_page - 1) // per_page)
        seen = []
        for n in range(1, pages + 1):
            page = paginate(items, n, per_page)
            seen += page.items
            if page.has_next != (n < want) or page.pages != want:
                bad.append(("next/pages", total, per_page, n))
        last = paginate(items, pages, per_page)
        if pages != want or seen != items or (total and not last.items) or paginate(items, 10**6, per_page).items != last.items:
            bad.append((total, per_page, pages, want))
print(bad[:10])
"""
out = run("python3", "-c", PROBE, env=ENV)
check(f"every page count is right and the last page is never empty: {out.stdout.strip()!r} {out.stderr[-400:]!r}",
      out.returncode == 0 and out.stdout.strip() == "[]")

PROBE = """
from pagination import page_links, paginate
p = paginate(range(95), 3, per_page=10)
print(p.label(), p.has_previous, p.has_next, p.first_index)
p = paginate(range(95), 10, per_page=10)
print(p.label(), p.has_next, len(p.items))
p = paginate(["a", "b", "c"], -4, per_page=2)
print(p.number, p.items, p.label())
print(page_links(paginate(range(301), 8, per_page=20)), page_links(paginate(range(5), 1)))
try:
    paginate(range(5), 1, per_page=0)
except ValueError:
    print("ValueError")
"""
out = run("python3", "-c", PROBE, env=ENV)
want = ("Showing 21-30 of 95 (page 3 of 10) True True 21\n"
        "Showing 91-95 of 95 (page 10 of 10) False 5\n"
        "1 ['a', 'b'] Showing 1-2 of 3 (page 1 of 2)\n"
        "[1, None, 6, 7, 8, 9, 10, None, 16] [1]\n"
        "ValueError\n")
check(f"labels, clamping, page links and bad per_page behave as before: {out.stdout!r} {out.stderr[-400:]!r}", out.stdout == want)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
