"""How far can any tried harness take the embedded model? The union of every kept bench run:
for each suite and task, whether any arm of any run (reins under every profile and switch
measured, best-of-3 included, and the peers driving the same model) ever passed it. A task
no arm ever passed in a dozen configurations is beyond what a harness change has moved so
far; the union's pass rate is the ceiling the measured levers reach together, not one arm's.

Reads `bench.json` (the plan: suite, model) and `trials.jsonl` of each run folder under
benchmarks/results/lab/ (or the folders given). Runs on another model than the one asked
for (SmolLM2) are left out. Prints a table per suite and per split, writes
benchmarks/results/ceiling.json.

    python benchmarks/ceiling.py [RUN_DIR ...] [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

LAB = Path(__file__).parent / "results" / "lab"
SPLITS = Path(__file__).parent / "splits"


def read_runs(folders: list[Path], model: str) -> tuple[dict, dict]:
    """(suite, task) -> set of arms tried, and -> set of arms that passed. An arm is
    run:agent/variant, so the same variant in two runs counts twice (two measurements)."""
    tried: dict[tuple[str, str], set[str]] = defaultdict(set)
    passed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for folder in folders:
        try:
            plan = json.loads((folder / "bench.json").read_text())["plan"]
        except (OSError, ValueError, KeyError):
            continue  # not a bench folder (or one without its plan): nothing to attribute
        if model not in str(plan.get("model", "")).lower():
            continue
        suite = Path(str(plan["suite"]).rstrip("/")).name
        trials = folder / "trials.jsonl"  # absent until a bench finishes its first trial
        for line in trials.read_text().splitlines() if trials.is_file() else []:
            try:
                trial = json.loads(line)
            except ValueError:
                continue  # a line cut by a killed bench
            if trial.get("skipped"):
                continue
            key = (suite, trial["task"])
            arm = f"{folder.name}:{trial['agent']}/{trial['variant']}"
            tried[key].add(arm)
            if trial.get("passed"):
                passed[key].add(arm)
    return tried, passed


def split_tasks(name: str) -> list[str]:
    lines = (SPLITS / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def row(name: str, keys: list[tuple[str, str]], tried: dict, passed: dict) -> dict:
    def share(pred) -> int:
        return sum(1 for key in keys if pred(passed[key]))

    any_reins = share(lambda arms: any(":reins/" in arm for arm in arms))
    any_peer = share(lambda arms: any(":reins/" not in arm for arm in arms))
    ever = share(bool)
    return {
        "suite / split": name,
        "n": len(keys),
        "arms per task": statistics.median(len(tried[key]) for key in keys) if keys else 0,
        "ever passed": ever,
        "ceiling %": round(100 * ever / len(keys), 1) if keys else 0.0,
        "by reins": any_reins,
        "by a peer": any_peer,
        "peer only": share(lambda arms: arms and all(":reins/" not in a for a in arms)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "runs", nargs="*", type=Path, help="bench --out folders (default: all kept)"
    )
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--name", default="ceiling")
    args = parser.parse_args()
    folders = args.runs or sorted(p for p in LAB.iterdir() if p.is_dir())
    if missing := [str(folder) for folder in folders if not folder.is_dir()]:
        sys.exit(f"not a folder: {', '.join(missing)}")
    tried, passed = read_runs(folders, args.model.lower())
    if not tried:
        sys.exit(f"no trials of {args.model} under {', '.join(map(str, folders))}")
    rows = []
    for suite in sorted({suite for suite, _ in tried}):
        rows.append(row(suite, [k for k in tried if k[0] == suite], tried, passed))
    for split in ("exercism-tune.txt", "exercism-confirm.txt"):
        keys = [("exercism-tests", task) for task in split_tasks(split)]
        keys = [key for key in keys if key in tried]
        if keys:
            rows.append(row(f"exercism-tests @{split}", keys, tried, passed))
    report(
        args.name,
        f"What any tried arm ever passed ({args.model}, {len(folders)} runs)",
        rows,
        {"runs": [folder.name for folder in folders]},
    )


if __name__ == "__main__":
    main()
