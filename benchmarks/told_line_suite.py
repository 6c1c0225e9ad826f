"""A ceiling for localisation on the `mutate` suites: the same tasks, each request ending
with the line the bug was injected on (file, number and text, from the task's metadata).

If the model cannot fix a one-line bug when told the line, no harness feature that only
finds the line (fault localisation, better attachments) can make it pass. Not a reins
feature: a lab control.

    python benchmarks/told_line_suite.py SUITE OUT [--task @FILE]
    reins bench OUT --agent reins --agent-timeout 240
"""

from __future__ import annotations

import argparse
import shutil
import tomllib
from pathlib import Path


def told_line(task: Path, out: Path) -> str:
    """Copy `task` under `out` with the bug's line added to its request; the line's text."""
    meta = tomllib.loads((task / "task.toml").read_text())["metadata"]
    path, number = meta["file"], int(meta["line"])
    code = (task / "environment/workspace" / path).read_text().splitlines()[number - 1]
    copy = out / task.name
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(task, copy, symlinks=True)
    request = (copy / "instruction.md").read_text()
    request += f"\nThe bug is on line {number} of `{path}`:\n\n    {code.strip()}\n"
    (copy / "instruction.md").write_text(request)
    return code.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path, help="a mutate suite (tasks with file and line)")
    parser.add_argument("out", type=Path, help="where the told-line copies go")
    parser.add_argument("--task", default=None, help="@FILE: only the task names listed")
    args = parser.parse_args()
    names = None
    if args.task:
        names = Path(args.task.removeprefix("@")).read_text().split()
    args.out.mkdir(parents=True, exist_ok=True)
    for task in sorted(p for p in args.suite.iterdir() if (p / "task.toml").is_file()):
        if names is None or task.name in names:
            print(f"{task.name}: {told_line(task, args.out)}")


if __name__ == "__main__":
    main()
