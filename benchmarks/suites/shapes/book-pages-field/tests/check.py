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

EXPECTED = """Dune (1965) by Frank Herbert, 412 pages
The Left Hand of Darkness (1969) by Ursula K. Le Guin, 304 pages
Kindred (1979) by Octavia E. Butler, 264 pages
3 books, 980 pages"""

probe = run("python3", "-c", "import dataclasses, models, loader; print([f.name for f in dataclasses.fields(models.Book)]); "
            "print([b.pages for b in loader.load_books('books.csv')])")
lines = probe.stdout.splitlines()
check(f"Book has a pages field: {probe.stdout.strip() or probe.stderr.strip()[-200:]!r}",
      len(lines) >= 1 and "pages" in lines[0])
check("load_books fills pages as ints", len(lines) == 2 and lines[1] == "[412, 264, 304]")
out = run("python3", "report.py")
check(f"python3 report.py shows the pages: {out.stdout.strip()[-200:] or out.stderr.strip()[-200:]!r}",
      out.returncode == 0 and out.stdout.strip() == EXPECTED)
with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    f.write("title,author,year,pages\nEmma,Jane Austen,1815,474\nBeloved,Toni Morrison,1987,324\n")
other = run("python3", "report.py", f.name)
check(f"works on another CSV: {other.stdout.strip()!r}", other.stdout.strip() ==
      "Emma (1815) by Jane Austen, 474 pages\nBeloved (1987) by Toni Morrison, 324 pages\n2 books, 798 pages")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
