"""Checkpoint cost per turn on a 3,000-file repository (target: under 150 ms), and undo.

A turn costs a `before` snapshot, the agent's edits (two files here) and an `after`
snapshot; both snapshots are counted. The first snapshot of a repository hashes every
file once and is reported apart. For scale, the same tree copied whole (the naive way to
keep a copy) is timed too. Run for a git repository and for a plain folder.

    python benchmarks/checkpoint_cost.py [--files 3000] [--turns 20]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from reins.checkpoints import Checkpoints  # noqa: E402


def make_tree(root: Path, files: int, git: bool) -> None:
    for i in range(files):
        path = root / f"pkg{i % 40}" / f"sub{i % 7}" / f"mod_{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"def f{j}(x):\n    return x + {i * j}\n\n" for j in range(25)))
    if git:
        env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b",
               "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}  # fmt: skip
        for cmd in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "i"]):
            subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)


def measure(kind: str, files: int, turns: int, data_dir: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        make_tree(root, files, git=kind == "git")
        os.environ["REINS_DATA_DIR"] = str(data_dir / kind)
        checkpoints = Checkpoints(root)
        start = time.perf_counter()
        checkpoints.shadow.snapshot()
        first = time.perf_counter() - start
        per_turn = []
        for turn in range(1, turns + 1):
            created = f"pkg{turn % 40}/sub0/new_{turn}.py"
            edits = [created, "pkg1/sub1/mod_1.py"]
            start = time.perf_counter()
            # as the hook does: the files the tools will edit checked against ignore rules
            checkpoints.cover("bench", None, edits)
            checkpoints.begin_turn("bench", turn, f"turn {turn}")
            edit = time.perf_counter()
            (root / created).write_text(f"x = {turn}\n")
            target = root / "pkg1" / "sub1" / "mod_1.py"
            target.write_text(target.read_text() + f"# turn {turn}\n")
            edited = time.perf_counter()
            checkpoints.cover("bench", None, [created])  # created files, once they exist
            checkpoints.end_turn("bench", turn)
            per_turn.append(time.perf_counter() - start - (edited - edit))
        start = time.perf_counter()
        checkpoints.undo("bench", from_turn=1)
        undo = time.perf_counter() - start
        start = time.perf_counter()
        shutil.copytree(root, Path(tmp) / "copy", ignore=shutil.ignore_patterns(".git"))
        copy = time.perf_counter() - start
    per_turn.sort()
    return {
        "repo": kind, "files": files, "turns": turns,
        "first_snapshot_s": round(first, 3),
        "turn_median_ms": round(statistics.median(per_turn) * 1000, 1),
        "turn_p90_ms": round(per_turn[int(0.9 * (len(per_turn) - 1))] * 1000, 1),
        "undo_all_ms": round(undo * 1000, 1),
        "full_copy_ms": round(copy * 1000, 1),
        "turn_vs_copy": round(statistics.median(per_turn) / copy, 3),
        "target_met": statistics.median(per_turn) < 0.150,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        rows = [measure(kind, args.files, args.turns, Path(data)) for kind in ("git", "plain")]
    report(
        "checkpoint_cost", f"checkpoint cost per turn, {args.files} files (target < 150 ms)", rows
    )


if __name__ == "__main__":
    main()
