"""How long an edit takes when old_string is nearly, not exactly, in the file.

A fuzz campaign of the edit engine's running time: files of 100 to 20,000 lines of real
code (contiguous stretches of the Python standard library), an old block of 1 to 400 of
their lines perturbed the way models get blocks wrong (changed characters, dropped or
added lines, whitespace), a marker line inserted or one line replaced, sent both as an
edit_file call (`replace_string`) and as an apply_patch hunk (`apply_hunk`).

  exact:    the edit landed exactly as intended
  ok:       lines were dropped/added in old, so "intended" is fuzzy: the file only gained
            the marker line, near the block
  wrong:    it reported success but the file is otherwise changed. One known kind, as
            old as edit_file (the engine gave it before the time limit too): a one-line
            old_string that lost its indentation is a plain substring of the indented
            line, and the exact replacement puts the new text after that indentation
  refused:  an EditFailure about the text (not found, ambiguous, too loose)
  deadline: an EditFailure because the time limit ran out (the backstop)

Reports p50/p95/p100 seconds per file size and old size. Every call must answer within
2 s (the engine's default limit is 1.5 s).

  python benchmarks/edit_timing.py                 # 220 cases x 2 formats
  python benchmarks/edit_timing.py --cases 40      # fewer
  python benchmarks/edit_timing.py --ref 3f9f320 --cases 20 --cap 120
      # the engine as of a git revision, each call in a child process stopped after
      # --cap seconds (for "before" numbers; the old engine could take minutes)
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import multiprocessing
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "difflib", "argparse", "typing", "inspect", "pathlib", "logging", "asyncio.base_events",
    "configparser", "tarfile", "zipfile", "subprocess", "http.client", "unittest.case",
    "dataclasses", "ast", "email.message", "pydoc", "_pydecimal", "doctest", "shutil",
    "threading", "enum", "statistics", "ipaddress", "imaplib", "smtplib", "collections",
]  # fmt: skip
FILE_SIZES = [100, 300, 1000, 3000, 10000, 20001]
OLD_SIZES = [1, 3, 10, 30, 50, 100, 200, 400]
KINDS = ["chars", "chars-all", "whitespace", "drop", "add", "mixed"]
MARKER = "reins_timing_marker = 1"
LIMIT_S = 2.0


def corpus() -> list[str]:
    lines: list[str] = []
    for name in MODULES:
        spec = importlib.util.find_spec(name)
        if spec and spec.origin and spec.origin.endswith(".py"):
            text = Path(spec.origin).read_text(encoding="utf-8", errors="replace")
            lines += [line.rstrip().replace("\t", "    ") for line in text.splitlines()]
    return lines


def _perturb_line(rng: random.Random, line: str) -> str:
    body = line.lstrip()
    indent = line[: len(line) - len(body)]
    if len(body) < 3:
        return line
    for _ in range(rng.choice([1, 1, 2])):
        at = rng.randrange(len(body))
        body = body[:at] + rng.choice("abcdefghijklmnopqrstuvwxyz_(),") + body[at + 1 :]
    return indent + body


def perturb(rng: random.Random, block: list[str], kind: str) -> tuple[list[str], list[int | None]]:
    """(old lines, the block line each old line is, None for invented lines)."""
    old, where = list(block), list(range(len(block)))
    if kind in ("chars", "chars-all", "mixed"):
        share = 1.0 if kind == "chars-all" else rng.choice([0.1, 0.3, 0.6])
        old = [_perturb_line(rng, t) if rng.random() < share else t for t in old]
    if kind in ("whitespace", "mixed"):
        style = rng.choice(["trailing", "inner", "dedent"])
        if style == "trailing":
            old = [t + "  " if rng.random() < 0.5 else t for t in old]
        elif style == "inner":
            old = [t.replace(" = ", "  =  ", 1) if rng.random() < 0.5 else t for t in old]
        else:
            cut = min((len(t) - len(t.lstrip()) for t in old if t.strip()), default=0)
            old = [t[cut:] for t in old]
    if kind in ("drop", "mixed") and len(old) > 3:
        for _ in range(rng.randint(1, min(3, len(old) - 3))):
            k = rng.randrange(1, len(old) - 1)
            del old[k], where[k]
    if kind == "add" and len(old) > 2:
        for _ in range(rng.randint(1, 2)):
            k = rng.randrange(1, len(old))
            old.insert(k, _perturb_line(rng, old[k - 1]) + "  # added")
            where.insert(k, None)
    return old, where


def make_case(rng: random.Random, lines: list[str]) -> dict:
    size = rng.choice(FILE_SIZES)
    start = rng.randrange(len(lines))
    file = [lines[(start + k) % len(lines)] for k in range(size)]
    n = min(rng.choice(OLD_SIZES), size // 2)
    at = rng.randrange(size - n + 1)
    block = file[at : at + n]
    kind = rng.choice(KINDS)
    old, where = perturb(rng, block, kind)
    p = rng.randrange(len(old))  # the marker goes before old line p (or replaces it)
    replace = where[p] is not None and kind in ("chars", "chars-all", "whitespace") and n > 1
    indent = old[p][: len(old[p]) - len(old[p].lstrip())]
    new = old[:p] + [indent + MARKER] + old[p + (1 if replace else 0) :]
    expected = None
    if kind in ("chars", "chars-all", "whitespace"):
        line = at + where[p]
        expected = file[:line] + [indent + MARKER] + file[line + (1 if replace else 0) :]
    return {
        "size": size, "n": n, "kind": kind, "replace": replace, "file": file, "old": old,
        "new": new, "p": p, "expected": expected, "block": (at, at + n),
    }  # fmt: skip


def _load_engine(ref: str | None):
    """The edits package: this checkout's, or a git revision's copied to a temp package."""
    if ref is None:
        return (
            importlib.import_module("reins.tools.edits.engine"),
            importlib.import_module("reins.tools.edits.hunk"),
            importlib.import_module("reins.tools.edits.syntax"),
        )
    package = f"edits_at_{ref.replace('-', '_').replace('~', '_').replace('^', '_')}"
    folder = Path(tempfile.mkdtemp()) / package
    folder.mkdir()
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", ref, "src/reins/tools/edits/"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for path in listing:
        if path.endswith(".py"):
            text = subprocess.run(
                ["git", "show", f"{ref}:{path}"], cwd=ROOT, capture_output=True, text=True,
                check=True,
            ).stdout  # fmt: skip
            (folder / Path(path).name).write_text(text.replace("reins.tools.edits.", f"{package}."))
    sys.path.insert(0, str(folder.parent))
    return (
        importlib.import_module(f"{package}.engine"),
        importlib.import_module(f"{package}.hunk"),
        importlib.import_module(f"{package}.syntax"),
    )


def run_call(engine, hunk_module, syntax_module, case: dict, fmt: str) -> tuple[str, float, str]:
    """(verdict, seconds, message)."""
    file, old, new = case["file"], case["old"], case["new"]
    started = time.perf_counter()
    try:
        if fmt == "edit_file":
            text, _, _ = engine.replace_string(
                "\n".join(file) + "\n", "\n".join(old) + "\n", "\n".join(new) + "\n", False, "f.py"
            )
            result = text.split("\n")[:-1]
        else:
            p = case["p"]
            tagged = [(" ", t) for t in old[:p]]
            if case["replace"]:
                tagged += [("-", old[p]), ("+", new[p])] + [(" ", t) for t in old[p + 1 :]]
            else:
                tagged += [("+", new[p])] + [(" ", t) for t in old[p:]]
            hunk = hunk_module.Hunk(tagged)
            syntax = syntax_module.SyntaxCheck("f.py", file)
            result, _, _ = engine.apply_hunk(file, hunk, 0, what="hunk 1", syntax=syntax)
    except engine.EditFailure as failure:
        seconds = time.perf_counter() - started
        message = str(failure)
        verdict = (
            "deadline" if "could not be matched approximately within" in message else "refused"
        )
        return verdict, seconds, message[:200]
    seconds = time.perf_counter() - started
    return _judge(case, result), seconds, ""


def _strip_marker(lines: list[str]) -> list[str]:
    return [t.strip() if MARKER in t else t for t in lines]


def _judge(case: dict, result: list[str]) -> str:
    if case["expected"] is not None:
        return "exact" if _strip_marker(result) == _strip_marker(case["expected"]) else "wrong"
    # old had lines dropped or invented: only the marker may be new, near the block
    marks = [k for k, t in enumerate(result) if MARKER in t]
    if len(marks) != 1 or result[: marks[0]] + result[marks[0] + 1 :] != case["file"]:
        return "wrong"
    at, end = case["block"]
    return "ok" if at - 3 <= marks[0] <= end + 3 else "wrong"


def _child(ref, case, fmt, queue) -> None:
    queue.put(run_call(*_load_engine(ref), case, fmt))


def run_capped(ref: str, case: dict, fmt: str, cap: float) -> tuple[str, float, str]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    started = time.perf_counter()
    child = context.Process(target=_child, args=(ref, case, fmt, queue))
    child.start()
    child.join(cap)
    if child.is_alive():
        child.kill()
        child.join()
        return "capped", time.perf_counter() - started, f"still running after {cap:.0f} s"
    return queue.get()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarize(label: str, calls: list[dict]) -> dict:
    seconds = [c["seconds"] for c in calls]
    count = {v: sum(1 for c in calls if c["verdict"] == v) for v in VERDICTS}
    return {
        "calls": label, "n": len(calls), "p50_s": percentile(seconds, 0.5),
        "p95_s": percentile(seconds, 0.95), "p100_s": max(seconds),
        **count, f"over_{LIMIT_S:g}s": sum(1 for s in seconds if s >= LIMIT_S),
    }  # fmt: skip


VERDICTS = ["exact", "ok", "wrong", "refused", "deadline", "capped"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=220, help="cases (each run both ways)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--ref", help="time the engine as of this git revision instead")
    parser.add_argument("--cap", type=float, default=120.0, help="with --ref: seconds per call")
    parser.add_argument("--only", help="only cases of this file size,old size (e.g. 20001,400)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lines = corpus()
    cases = [make_case(rng, lines) for _ in range(args.cases)]
    if args.only:
        size, n = (int(x) for x in args.only.split(","))
        cases = [c for c in cases if (c["size"], c["n"]) == (size, n)]
    modules = None if args.ref else _load_engine(None)
    calls: list[dict] = []
    for number, case in enumerate(cases):
        for fmt in ("edit_file", "apply_patch"):
            if args.ref:
                verdict, seconds, message = run_capped(args.ref, case, fmt, args.cap)
            else:
                verdict, seconds, message = run_call(*modules, case, fmt)
            calls.append({
                "case": number, "format": fmt, "size": case["size"], "old_lines": case["n"],
                "kind": case["kind"], "replace": case["replace"], "verdict": verdict,
                "seconds": seconds, "message": message,
            })  # fmt: skip
            if seconds >= LIMIT_S or verdict in ("wrong", "capped"):
                print(f"  case {number} {fmt} {case['size']}/{case['n']} {case['kind']}: "
                      f"{verdict} in {seconds:.2f}s {message[:80]!r}", flush=True)  # fmt: skip
    rows = [summarize("all", calls)]
    for fmt in ("edit_file", "apply_patch"):
        rows.append(summarize(fmt, [c for c in calls if c["format"] == fmt]))
    for size in FILE_SIZES:
        chosen = [c for c in calls if c["size"] == size]
        if chosen:
            rows.append(summarize(f"file {size} lines", chosen))
    for n in sorted({c["old_lines"] for c in calls}):
        rows.append(summarize(f"old {n} lines", [c for c in calls if c["old_lines"] == n]))
    for kind in KINDS:
        chosen = [c for c in calls if c["kind"] == kind]
        if chosen:
            rows.append(summarize(f"perturbation {kind}", chosen))
    name = "edit_timing" + (f"_{args.ref}" if args.ref else "")
    where = f"engine at {args.ref}, calls capped at {args.cap:g} s" if args.ref else "this engine"
    report(
        name,
        f"Edit time on near-miss old strings: {len(calls)} calls ({where})",
        rows,
        {"ref": args.ref, "cap_s": args.cap if args.ref else None, "calls": calls},
    )
    worst = max(calls, key=lambda c: c["seconds"])
    print(f"p100 {worst['seconds']:.2f}s (case {worst['case']} {worst['format']} "
          f"{worst['size']}/{worst['old_lines']} {worst['kind']}: {worst['verdict']})")  # fmt: skip


if __name__ == "__main__":
    main()
