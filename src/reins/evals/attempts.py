"""Best-of-n at the task level, with the tests the agent was given as the verifier.

A variant with `attempts=N` (`--variant best3:attempts=3`) runs up to N fresh sessions in
one trial, each with the task's whole time limit (N tries cost up to N times one: on a slow
local model the first try alone fills a shared limit, so a split would measure nothing
but the first try; later tries sample hotter, evals/trial.py). After each, reins runs the task's own test
command (`test_cmd` in task.toml: only tasks that give the agent its tests have one) in
the sandbox; a pass ends the trial. A failure puts the workspace back as it started and
tries again. If none passes, the attempt that passed the most tests is kept. Only then
does the hidden verifier grade it, as for any trial: this is one submission, chosen by
the harness from what the agent could see, and its arm is reported under its own name.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from reins.agent.test_score import visible_score


@dataclass
class Attempt:
    session_id: str | None
    passed: bool
    score: float  # fraction of the visible tests that passed (0 when unknown)
    wall_s: float


class Workspace:
    """The trial's workspace as it started, and the best attempt so far, as copies."""

    def __init__(self, path: Path):
        self.path = path
        self.keep = Path(tempfile.mkdtemp(prefix="reins-attempts-"))
        shutil.copytree(path, self.keep / "start", symlinks=True)

    def save_best(self) -> None:
        shutil.rmtree(self.keep / "best", ignore_errors=True)
        shutil.copytree(self.path, self.keep / "best", symlinks=True)

    def restore(self, which: str) -> None:
        """Make the workspace exactly the saved copy (files the attempt added go too)."""
        for entry in self.path.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        shutil.copytree(self.keep / which, self.path, symlinks=True, dirs_exist_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.keep, ignore_errors=True)


async def best_of(
    attempts: int,
    workspace: Path,
    attempt_s: float,
    run_once: Callable[[float], Awaitable[tuple[str | None, float]]],
    run_tests: Callable[[float], Awaitable[tuple[int, str]]],
) -> list[Attempt]:
    """Run up to `attempts` sessions (`run_once(seconds)` → (session id, wall s)) of
    `attempt_s` seconds each, each checked by `run_tests(seconds)` → (exit code, output);
    the workspace ends as the passing attempt, else the best one. Every attempt is
    returned, in order."""
    copies = Workspace(workspace)
    done: list[Attempt] = []
    best: Attempt | None = None
    try:
        for number in range(attempts):
            if number:
                copies.restore("start")
            session_id, took = await run_once(attempt_s)
            code, output = await run_tests(attempt_s)
            attempt = Attempt(session_id, code == 0, visible_score(code, output), took)
            done.append(attempt)
            if attempt.passed:
                return done
            if best is None or attempt.score > best.score:
                best = attempt
                copies.save_best()
        if best is not None and best is not done[-1]:
            copies.restore("best")
        return done
    finally:
        copies.close()
