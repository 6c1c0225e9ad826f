"""When would `stop_when_stuck` have ended each logged trial of a bench run, and what would
it have cost? A replay of the run's trajectories, not a new run: under a greedy profile a
trial repeats token for token up to the stop, so the stop's time is where the logged
trial reached it, and a trial that passed after that point is a pass the switch loses.

Reads `trials.jsonl` and `trajectories/*.json` of a `reins bench --out` directory. The rule
replayed is the one in agent/write_first.py: a write of a version of the file (as code,
whitespace aside) that already failed the tests, once more than RESAMPLES such writes were
made, ends the turn, putting back the tested version that passed the most. The fraction
with the stop is that version's visible score: the grade on a with-tests suite, where the
agent sees the tests it is graded on. Prints a table and writes
benchmarks/results/<name>.json.

    python benchmarks/stuck_replay.py [RUN_DIR [--arm reins] [--peer aider] [--name NAME]]

With no folder it replays the two runs kept in benchmarks/results/lab/ (their
trajectories gzipped): the held-out with-tests run (reins against aider) and the tuning
run's files arm.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from reins.agent.test_score import visible_score  # noqa: E402
from reins.agent.write_first import WriteFirst, as_code  # noqa: E402
from reins.tools.files import (
    EDIT_TOOLS,  # noqa: E402
    NO_CHANGE,  # noqa: E402
)

EXIT = re.compile(r"\[reins ran `[^`]*`: exit code (-?\d+)\]")


def stop_time(trajectory: dict) -> tuple[float | None, float | None]:
    """Seconds from the session's start to the write that would have stopped it, and the
    visible score of the version the stop puts back (the tested version that passed the
    most); (None, None) when it would not have stopped."""
    steps = trajectory["steps"]
    start = _seconds(steps[0])
    target = None  # the file the trial writes: its first whole-file write
    failed: set[str] = set()
    repeats = 0
    best: float | None = None
    for step in steps:
        if step.get("source") != "agent":
            continue
        results = (step.get("observation") or {}).get("results", [])
        # reins' test run after a write is noted on the batch's last result
        notes = "\n".join(r.get("content", "") for r in results)
        ran = EXIT.search(notes)
        kinds = {r["call_id"]: r["kind"] for r in step["extra"]["reins"].get("tool_results", [])}
        for call, result in zip(step.get("tool_calls") or [], results, strict=False):
            path = call["arguments"].get("path")
            if call["function_name"] not in EDIT_TOOLS or kinds.get(call["tool_call_id"]) != "ok":
                continue
            target = target or (path if call["function_name"] == "write_file" else None)
            if path != target:
                if not result.get("content", "").startswith(NO_CHANGE):
                    failed.clear()  # another file changed: the same version may pass now
                    repeats, best = 0, None
                continue
            if call["function_name"] != "write_file":
                continue
            version = as_code(str(call["arguments"].get("content", "")))
            if version in failed:
                repeats += 1
                if repeats > WriteFirst.RESAMPLES:
                    return _seconds(step) - start, best
            if ran and ran.group(1) not in ("0", "-1"):
                failed.add(version)
                score = visible_score(int(ran.group(1)), notes)
                best = score if best is None else max(best, score)
    return None, None


def _seconds(step: dict) -> float:
    return datetime.fromisoformat(step["timestamp"].replace("Z", "+00:00")).timestamp()


LAB = Path(__file__).parent / "results" / "lab"
# The runs replayed when no folder is given: their trajectories are kept, gzipped
DEFAULTS = [
    (LAB / "withtests-aider-confirm", "reins", "aider", "stuck_replay_confirm"),
    (LAB / "fork-tune", "files", "aider", "stuck_replay_tune"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, nargs="?",
                        help="a `reins bench --out` folder (default: the kept held-out and "
                        "tuning runs in benchmarks/results/lab/)")  # fmt: skip
    parser.add_argument("--arm", default="reins", help="the reins arm (variant) to replay")
    parser.add_argument("--peer", default="aider", help="the arm whose wall time to compare")
    parser.add_argument("--name", default="stuck_replay", help="the JSON file's name")
    args = parser.parse_args()
    runs = [(args.run, args.arm, args.peer, args.name)] if args.run else DEFAULTS
    for run, arm, peer, name in runs:
        try:
            replay(run, arm, peer, name)
        except ValueError as error:
            sys.exit(f"stuck_replay: {error}")


def replay(run: Path, arm: str, peer_arm: str, name: str) -> None:
    results = run / "trials.jsonl"
    if not results.is_file():
        raise ValueError(f"{results} not found: give a `reins bench --out` folder")
    trials = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    mine = {(t["task"], t["epoch"]): t for t in trials if t["variant"] == arm}
    peer = {(t["task"], t["epoch"]): t for t in trials if t["variant"] == peer_arm}
    if not mine:
        arms = sorted({t["variant"] for t in trials})
        raise ValueError(f"no trials of arm {arm!r} in {results} (arms: {', '.join(arms)})")
    rows = []
    for (task, epoch), trial in sorted(mine.items()):
        logged = _trajectory(run, f"{task}-{arm}-{epoch}")
        stop, best = stop_time(logged) if logged else (None, None)
        fraction = trial["rewards"].get("fraction", trial["reward"])
        rows.append({
            "task": task, "epoch": epoch, "passed": trial["passed"], "wall_s": round(trial["wall_s"], 1),
            "stop_s": None if stop is None else round(stop, 1),
            "wall_with_stop_s": round(trial["wall_s"] if stop is None else min(trial["wall_s"], stop), 1),
            "fraction": round(fraction, 3),
            # with tests the agent sees (a with-tests suite), the visible score is the grade
            "fraction_with_stop": round(fraction if best is None else best, 3),
            "trajectory": logged is not None,
            "peer_wall_s": round(peer[task, epoch]["wall_s"], 1) if (task, epoch) in peer else None,
        })  # fmt: skip
    lost = [r["task"] for r in rows if r["passed"] and r["stop_s"] is not None]
    summary = {
        "trials": len(rows),
        "with_trajectory": sum(r["trajectory"] for r in rows),
        "stopped": sum(r["stop_s"] is not None for r in rows),
        "passes_lost": lost,
        "median_wall_s": statistics.median(r["wall_s"] for r in rows),
        "median_wall_with_stop_s": statistics.median(r["wall_with_stop_s"] for r in rows),
        "mean_fraction": round(statistics.mean(r["fraction"] for r in rows), 3),
        "mean_fraction_with_stop": round(statistics.mean(r["fraction_with_stop"] for r in rows), 3),
    }
    walls = [r["peer_wall_s"] for r in rows if r["peer_wall_s"] is not None]
    if walls:
        summary["peer_median_wall_s"] = statistics.median(walls)
        summary["ratio_to_peer"] = round(
            summary["median_wall_with_stop_s"] / statistics.median(walls), 3
        )
        summary["ratio_to_peer_without_stop"] = round(
            summary["median_wall_s"] / statistics.median(walls), 3
        )
    report(name, f"stop_when_stuck replayed on {run.name} ({arm})", rows,
           {"run": str(run), "arm": arm, "peer": peer_arm, "summary": summary})  # fmt: skip
    print(json.dumps(summary, indent=2))


def _trajectory(run: Path, trial: str) -> dict | None:
    """A trial's ATIF trajectory, as the bench wrote it or gzipped (as kept in the repo)."""
    folder = run / "trajectories"
    if (folder / f"{trial}.json").is_file():
        return json.loads((folder / f"{trial}.json").read_text("utf-8"))
    if (folder / f"{trial}.json.gz").is_file():
        return json.loads(gzip.decompress((folder / f"{trial}.json.gz").read_bytes()))
    return None


if __name__ == "__main__":
    main()
