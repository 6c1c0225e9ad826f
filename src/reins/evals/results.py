"""One trial's result, and the results file of a bench: one JSON line per finished trial,
appended as trials finish, so a killed bench loses nothing and a rerun skips what is done."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

RESULTS_FILE = "trials.jsonl"


@dataclass
class TrialResult:
    task: str
    variant: str
    epoch: int
    agent: str
    reward: float  # 0..1, from the verifier (the "reward" key when it wrote several)
    passed: bool  # reward >= 1
    rewards: dict[str, float] = field(default_factory=dict)  # every named reward
    cluster: str | None = None  # the task's cluster, for clustered errors
    session_id: str | None = None  # the reins session (reins agent only)
    status: str = ""  # how the agent's run ended (completed, budget, error, …)
    wall_s: float = 0.0  # the agent's run
    verifier_s: float = 0.0
    environment_s: float = 0.0  # a container task: building (when needed) and starting it
    trial_s: float = 0.0  # the whole trial: copy, agent, verifier, clean-up
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    tool_calls: int = 0
    tool_kinds: dict[str, int] = field(default_factory=dict)  # results by error kind
    tool_names: dict[str, int] = field(default_factory=dict)  # calls by tool
    attempts: int = 1  # sessions run (best-of-n variants: attempts=N)
    # Best-of-n: each attempt's share of the visible tests passed, in order (the graded one
    # is the first 1.0, else the best)
    attempt_scores: list[float] = field(default_factory=list)
    # When it ran and how busy the machine was: trials that shared the CPU with other work
    # (a model server's tokens/s falls with it) can be found and re-run.
    started_at: float = 0.0  # unix time
    ended_at: float = 0.0
    load_1m: float | None = None  # the 1-minute load average as the trial ended
    cpus: int | None = None
    error: str | None = None  # the trial could not run or be verified (infrastructure)
    # The agent ran and ended in an error of its own (a doom-loop stop, a model error, a
    # peer's format error): the verifier still graded the workspace, so it counts as graded.
    agent_error: str | None = None
    skipped: str | None = None  # not run, and why (e.g. a Dockerfile with no docker)
    workspace: str | None = None  # with --keep: where the trial's files were left

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.task, self.variant, self.epoch)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialResult:
        known = {f.name for f in fields(cls)}
        result = cls(**{k: v for k, v in data.items() if k in known})
        if "agent_error" not in data and _agent_ended_in_error(result):
            # Results written before agent_error existed kept the agent's own error in
            # `error`, which made a graded trial count as an infrastructure failure.
            result.agent_error, result.error = result.error, None
        return result


def _agent_ended_in_error(result: TrialResult) -> bool:
    """An old row whose agent ran, ended in "error" and was then graded by the verifier
    (the oracle's failing solution stays an error: the suite is broken)."""
    return bool(
        result.error and result.status == "error" and result.verifier_s > 0
        and result.agent != "oracle"
    )  # fmt: skip


def load_results(out: Path) -> dict[tuple[str, str, int], TrialResult]:
    """The trials already finished in `out` (a torn last line from a kill is ignored)."""
    path = out / RESULTS_FILE
    done: dict[tuple[str, str, int], TrialResult] = {}
    if not path.is_file():
        return done
    for line in path.read_text("utf-8").splitlines():
        try:
            result = TrialResult.from_dict(json.loads(line))
        except (ValueError, TypeError):
            continue
        done[result.key] = result
    return done


def append_result(out: Path, result: TrialResult) -> None:
    """One line, written and synced whole: a kill leaves at most a torn last line."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / RESULTS_FILE
    line = json.dumps(result.to_dict(), ensure_ascii=False) + "\n"
    if path.is_file() and path.stat().st_size:
        with open(path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":  # a line torn by a kill: end it, it is skipped
                line = "\n" + line
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
