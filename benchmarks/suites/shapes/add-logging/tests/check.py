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


import ast
import shutil
import tempfile

QUEUE = [
    {"id": "INV-2001", "customer": "Contoso", "email": "ap@contoso.example", "amount_cents": 5000},
    {"id": "INV-2002", "customer": "Litware", "email": "no-address", "amount_cents": 700},
    {"id": "INV-2003", "customer": "Adatum", "email": "pay@adatum.example", "amount_cents": 120},
    {"id": "INV-2004", "customer": "Tailspin", "email": "ops@tailspin.example", "amount_cents": 0},
    {"id": "INV-2005", "customer": "Woodgrove", "email": "fin@woodgrove.example", "amount_cents": 99999},
]
SENT = ["INV-2001", "INV-2003", "INV-2005"]


def attempt(*flags):
    """Run the worker on QUEUE in a copy of the workspace: (stdout, stderr lines, outbox subjects)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "w"
        shutil.copytree(".", folder, ignore=shutil.ignore_patterns("__pycache__", "outbox.jsonl"))
        (folder / "jobs.json").write_text(json.dumps(QUEUE))
        out = run("python3", "worker.py", "jobs.json", *flags, cwd=folder)
        outbox = folder / "outbox.jsonl"
        subjects = [json.loads(l)["subject"] for l in outbox.read_text().splitlines()] if outbox.exists() else []
    print(f"--- worker.py jobs.json {' '.join(flags)}: exit {out.returncode}\n{out.stdout}{out.stderr}")
    return out.stdout, out.stderr.splitlines(), subjects


def lines_with(lines, text):
    return [l for l in lines if text in l]


def at(lines, text, level, count=1):
    found = lines_with(lines, text)
    return len(found) == count and all(level in l for l in found)


try:
    tree = ast.parse(read("worker.py") or "")
    prints = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call)
              and isinstance(n.func, ast.Name) and n.func.id == "print"]
    imports = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
               for a in n.names} | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    check(f"worker.py uses logging and has no print() calls left (print at lines {prints})",
          not prints and "logging" in imports)
except SyntaxError as error:
    check(f"worker.py parses: {error!r}", False)

MESSAGES = ["starting", "processing job", "sent invoice", "failed:", "done:"]
stdout, err, subjects = attempt()
expected_subjects = [f"Invoice {i}" for i in SENT]
check("without --verbose: INFO and ERROR lines on stderr, no DEBUG lines, nothing on stdout",
      at(err, "starting: 5 jobs", "INFO") and at(err, "done: 3 sent, 2 failed", "INFO")
      and at(err, "job INV-2002 failed: missing or invalid e-mail address", "ERROR")
      and at(err, "job INV-2004 failed: amount must be positive", "ERROR")
      and not lines_with(err, "processing job") and not lines_with(err, "sent invoice")
      and not any(m in stdout for m in MESSAGES) and subjects == expected_subjects)
stdout, err, subjects = attempt("--verbose")
check("with --verbose: the processing and sent lines show at DEBUG too",
      at(err, "processing job", "DEBUG", 5) and at(err, "sent invoice INV-2005 to fin@woodgrove.example", "DEBUG")
      and at(err, "sent invoice", "DEBUG", 3) and at(err, "starting: 5 jobs", "INFO")
      and at(err, "done: 3 sent, 2 failed", "INFO") and at(err, "failed:", "ERROR", 2)
      and not any(m in stdout for m in MESSAGES) and subjects == expected_subjects)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
