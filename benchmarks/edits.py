"""Edit robustness on real edits no one here wrote.

Pip-downloads two neighbouring releases of real pure-Python packages (sdists), diffs them
file by file, and renders every hunk three ways: an edit_file call, an apply_patch, and a
whole-file write. Each is applied to the old file through the real tools, unperturbed and
under model-like perturbations; the result is compared with the file as it should be.

  exact:   the file is exactly the intended result
  ws-only: differs only in whitespace (whole-file writes land verbatim)
  wrong:   the tool reported success but the code differs (the target is 0)
  refused: the tool refused with an error the model can act on

The baseline, in the same run, is plain exact-match replacement (replace when the old text
occurs exactly once, else refuse).
"""

from __future__ import annotations

import asyncio
import difflib
import json
import random
import statistics
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402
from _sdists import fetch  # noqa: E402

from reins.models.messages import ToolCall  # noqa: E402
from reins.sandbox.local import SubprocessSandbox  # noqa: E402
from reins.tools.base import ToolContext  # noqa: E402
from reins.tools.edits.hunk import hunk_from_strings  # noqa: E402
from reins.tools.executor import ToolExecutor  # noqa: E402
from reins.tools.registry import build_tools  # noqa: E402
from reins.tools.workspace import Workspace  # noqa: E402

PAIRS = [
    ("requests", "2.31.0", "2.32.3"),
    ("click", "8.1.7", "8.1.8"),
    ("rich", "13.7.1", "13.8.0"),
    ("attrs", "23.2.0", "24.1.0"),
    ("jinja2", "3.1.4", "3.1.5"),
]
# Releases the engine was never tuned on: `--holdout` checks that "0 wrong" generalises.
HOLDOUT_PAIRS = [
    ("flask", "3.0.3", "3.1.0"),
    ("werkzeug", "3.0.6", "3.1.3"),
    ("httpx", "0.27.2", "0.28.1"),
    ("packaging", "24.1", "24.2"),
    ("pluggy", "1.4.0", "1.5.0"),
]
MAX_HUNKS_PER_PACKAGE = 250
DEBUG = "--debug" in sys.argv  # write every failure to results/edit_failures.json
HOLDOUT = "--holdout" in sys.argv
PERTURBATIONS = [
    "none",
    "lost-indentation",
    "trailing-whitespace",
    "missing-context-line",
    "crlf",
    "tabs",
]


def python_files(archive: Path) -> dict[str, str]:
    files = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.endswith(".py"):
                rel = member.name.split("/", 1)[1]
                data = tar.extractfile(member).read()
                try:
                    files[rel] = data.decode("utf-8")
                except UnicodeDecodeError:
                    continue
    return files


def hunks(old: str, new: str):
    """(old file lines, typed hunk lines, i1, i2) per unified-diff hunk (3 context lines)."""
    a, b = old.splitlines(), new.splitlines()
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(3):
        i1, i2 = group[0][1], group[-1][2]
        typed = []
        for op, x1, x2, y1, y2 in group:
            if op == "equal":
                typed += [(" ", t) for t in a[x1:x2]]
            else:
                typed += [("-", t) for t in a[x1:x2]] + [("+", t) for t in b[y1:y2]]
        if i2 > i1:  # needs at least one old line to anchor on
            typed, i1, i2 = disambiguate(a, typed, i1, i2)
            yield a, typed, i1, i2


def disambiguate(a: list[str], typed, i1: int, i2: int):
    """What a model does when its block is not unique: add context lines until it is."""

    def occurrences(block: list[str]) -> int:
        n = len(block)
        return sum(1 for k in range(len(a) - n + 1) if a[k : k + n] == block)

    while occurrences([t for tag, t in typed if tag != "+"]) > 1:
        if i1 > 0:
            i1 -= 1
            typed = [(" ", a[i1])] + typed
        if i2 < len(a):
            typed = typed + [(" ", a[i2])]
            i2 += 1
        if i1 == 0 and i2 == len(a):
            break
    return typed, i1, i2


def function_context(a: list[str], i1: int) -> str:
    """git's hunk-header context: the nearest def/class line above the hunk."""
    for k in range(i1 - 1, -1, -1):
        stripped = a[k].lstrip()
        if stripped.startswith(("def ", "class ", "async def ")):
            return a[k].strip()
    return ""


def perturb(
    typed: list[tuple[str, str]], kind: str, rng: random.Random
) -> list[tuple[str, str]] | None:
    if kind == "none":
        return typed
    if kind == "lost-indentation":
        indents = [len(t) - len(t.lstrip()) for _, t in typed if t.strip()]
        cut = min(indents) if indents else 0
        if cut == 0:
            return None
        return [(tag, t[cut:] if t.strip() else t) for tag, t in typed]
    if kind == "trailing-whitespace":
        return [(tag, t + "  " if rng.random() < 0.5 and tag != "+" else t) for tag, t in typed]
    if kind == "missing-context-line":
        context = [i for i, (tag, t) in enumerate(typed) if tag == " " and t.strip()]
        if len(context) < 3:
            return None
        drop = rng.choice(context[1:-1])  # never the first or last line: those anchor the block
        return typed[:drop] + typed[drop + 1 :]
    if kind == "tabs":

        def tabify(t: str) -> str:
            stripped = t.lstrip(" ")
            spaces = len(t) - len(stripped)
            return "\t" * (spaces // 4) + " " * (spaces % 4) + stripped

        if not any(t.startswith("    ") for _, t in typed):
            return None
        return [(tag, tabify(t)) for tag, t in typed]
    if kind == "crlf":
        return typed  # applied when rendering
    raise ValueError(kind)


def render(typed, kind: str, path: str, anchor: str) -> dict[str, dict]:
    eol = "\r\n" if kind == "crlf" else "\n"
    old = eol.join(t for tag, t in typed if tag != "+") + eol
    new = eol.join(t for tag, t in typed if tag != "-") + eol
    body = "\n".join(tag + t for tag, t in typed)
    patch = f"*** Begin Patch\n*** Update File: {path}\n@@ {anchor}\n{body}\n*** End Patch"
    return {
        "edit_file": {"path": path, "old_string": old, "new_string": new},
        "apply_patch": {"patch": patch},
    }


def ill_posed(typed, edit_file_args: dict) -> bool:
    """Dropping a context line can hide a move: `-x` above the dropped line and `+x` below
    it become one unchanged `x` in old_string/new_string, which then no longer ask for the
    intended change. Such renderings are counted apart, not scored."""
    derived = hunk_from_strings(edit_file_args["old_string"], edit_file_args["new_string"])
    changed = sum(1 for tag, _ in typed if tag != " ")
    return sum(1 for tag, _ in derived.lines if tag != " ") < changed


def classify(result_ok: bool, actual: str, expected: str) -> str:
    if not result_ok:
        return "refused"
    if actual == expected:
        return "exact"
    if actual.split() == expected.split():
        return "ws-only"
    return "wrong"


def baseline(text: str, old: str, new: str) -> str | None:
    return text.replace(old, new) if text.count(old) == 1 else None


async def run_all() -> tuple[list[dict], dict]:
    rng = random.Random(7)
    stats: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(int))
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    total_hunks = 0
    ill_posed_count = 0
    failures: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ctx = ToolContext(Workspace(root), SubprocessSandbox())
        executor = ToolExecutor(build_tools(), ctx)
        for name, v_old, v_new in HOLDOUT_PAIRS if HOLDOUT else PAIRS:
            old_files = python_files(fetch(name, v_old))
            new_files = python_files(fetch(name, v_new))
            count = 0
            for rel in sorted(set(old_files) & set(new_files)):
                if old_files[rel] == new_files[rel] or count >= MAX_HUNKS_PER_PACKAGE:
                    continue
                old_text = old_files[rel]
                if "\r" in old_text:
                    continue
                target = root / "f.py"
                for a, typed, i1, i2 in hunks(old_text, new_files[rel]):
                    if count >= MAX_HUNKS_PER_PACKAGE:
                        break
                    count += 1
                    total_hunks += 1
                    lines = a[:i1] + [t for tag, t in typed if tag != "-"] + a[i2:]
                    expected = "\n".join(lines) + ("\n" if old_text.endswith("\n") else "")
                    for kind in PERTURBATIONS:
                        variant = perturb(typed, kind, rng)
                        if variant is None:
                            continue
                        calls = render(variant, kind, "f.py", function_context(a, i1))
                        if kind == "missing-context-line" and ill_posed(
                            variant, calls["edit_file"]
                        ):
                            ill_posed_count += 1
                            del calls["edit_file"]
                        for fmt, args in calls.items():
                            target.write_text(old_text)
                            ctx.tracker.forget(target)
                            start = time.perf_counter()
                            (done,) = await executor.run_batch([ToolCall(fmt, args)])
                            times[(fmt, kind)].append(time.perf_counter() - start)
                            verdict = classify(done.result.ok, target.read_text(), expected)
                            stats[(fmt, kind)][verdict] += 1
                            if verdict in ("wrong", "refused") and DEBUG:
                                failures.append(
                                    {
                                        "format": fmt,
                                        "perturbation": kind,
                                        "file": rel,
                                        "verdict": verdict,
                                        "args": args,
                                        "output": done.result.output[:2000],
                                        "diff": "".join(
                                            difflib.unified_diff(
                                                expected.splitlines(True),
                                                target.read_text().splitlines(True),
                                                "expected",
                                                "actual",
                                            )
                                        )[:3000],
                                    }
                                )
                        # the baseline: plain exact replacement of the edit_file strings
                        start = time.perf_counter()
                        e = render(variant, kind, "f.py", "")["edit_file"]
                        out = baseline(old_text, e["old_string"], e["new_string"])
                        times[("baseline-exact", kind)].append(time.perf_counter() - start)
                        stats[("baseline-exact", kind)][
                            classify(out is not None, out or "", expected)
                        ] += 1
                        # whole file: the new file as the model would write it
                        whole = (
                            "\n".join(a[:i1] + [t for tag, t in variant if tag != "-"] + a[i2:])
                            + "\n"
                        )
                        if kind == "crlf":
                            whole = whole.replace("\n", "\r\n")
                        target.write_text(old_text)
                        ctx.tracker.forget(target)
                        start = time.perf_counter()
                        (done,) = await executor.run_batch(
                            [ToolCall("write_file", {"path": "f.py", "content": whole})]
                        )
                        times[("write_file", kind)].append(time.perf_counter() - start)
                        stats[("write_file", kind)][
                            classify(done.result.ok, target.read_text(), expected)
                        ] += 1
    rows = []
    for (fmt, kind), counts in sorted(stats.items()):
        n = sum(counts.values())
        rows.append({
            "format": fmt, "perturbation": kind, "edits": n,
            "exact_%": 100 * counts["exact"] / n, "ws_only_%": 100 * counts["ws-only"] / n,
            "wrong_%": 100 * counts["wrong"] / n, "refused_%": 100 * counts["refused"] / n,
            "ms_per_edit": 1000 * statistics.median(times[(fmt, kind)]),
        })  # fmt: skip
    if DEBUG:
        (Path(__file__).parent / "results" / "edit_failures.json").write_text(
            json.dumps(failures, indent=1)
        )
    pairs = HOLDOUT_PAIRS if HOLDOUT else PAIRS
    return rows, {
        "hunks": total_hunks,
        "packages": [f"{n} {a}->{b}" for n, a, b in pairs],
        "edit_file_ill_posed": ill_posed_count,
    }


def summary(rows: list[dict]) -> dict:
    out = {}
    for fmt in ("edit_file", "apply_patch", "write_file", "baseline-exact"):
        plain = [r for r in rows if r["format"] == fmt and r["perturbation"] == "none"]
        pert = [r for r in rows if r["format"] == fmt and r["perturbation"] != "none"]
        n_pert = sum(r["edits"] for r in pert)
        out[fmt] = {
            "exact_unperturbed_%": plain[0]["exact_%"] if plain else None,
            "exact_perturbed_%": sum(r["exact_%"] * r["edits"] for r in pert) / n_pert
            if n_pert
            else None,
            "wrong_total": sum(
                round(r["wrong_%"] * r["edits"] / 100) for r in rows if r["format"] == fmt
            ),
        }
    return out


def main() -> None:
    rows, meta = asyncio.run(run_all())
    totals = summary(rows)
    report(
        "edits_holdout" if HOLDOUT else "edits",
        f"Edit robustness on {meta['hunks']} real hunks",
        rows,
        {**meta, "summary": totals},
    )
    print(f"edit_file renderings left out as ill-posed: {meta['edit_file_ill_posed']}")
    for fmt, values in totals.items():
        print(
            f"{fmt:15} exact unperturbed {values['exact_unperturbed_%']:.1f}%  "
            f"exact perturbed {values['exact_perturbed_%']:.1f}%  wrong {values['wrong_total']}"
        )


if __name__ == "__main__":
    main()
