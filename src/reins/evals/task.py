"""A task, in Harbor's layout (Terminal-Bench 2; also read by SkyRL, TRL, verifiers, rLLM):

    TASK/
      instruction.md          what the agent is told
      task.toml               [metadata] (reins reads `cluster`), [agent] timeout_sec,
                              [verifier] timeout_sec, [environment] resources
      environment/Dockerfile  a container image (or [environment] docker_image), run with
                              podman or docker (reins.evals.container); skipped without one
      environment/workspace/  reins' extension: the files the agent starts in (no container)
      tests/test.sh           the verifier: runs in the workspace, tests at /tests, writes a
                              reward 0..1 to /logs/verifier/reward.txt (or reward.json)
      solution/solve.sh       optional: a reference solution, run like the verifier

A suite is a folder of tasks (any folder holding an instruction.md and a task.toml).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_AGENT_TIMEOUT_S = 600.0
DEFAULT_VERIFIER_TIMEOUT_S = 600.0  # Harbor's default


class TaskError(ValueError):
    """A folder that is not a valid task; the message says what is wrong."""


@dataclass(frozen=True)
class Task:
    name: str
    path: Path
    instruction: str
    agent_timeout_s: float = DEFAULT_AGENT_TIMEOUT_S
    verifier_timeout_s: float = DEFAULT_VERIFIER_TIMEOUT_S
    metadata: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    verifier_env: dict[str, str] = field(default_factory=dict)  # [verifier] env
    solution_env: dict[str, str] = field(default_factory=dict)  # [solution] env

    @property
    def workspace(self) -> Path | None:
        """The files the agent starts in, for a task that needs no container. A Harbor task
        with a Dockerfile or an image may also have a workspace/ folder: its build context,
        not something to run here."""
        folder = self.path / "environment" / "workspace"
        return folder if folder.is_dir() and not self.container else None

    @property
    def container(self) -> bool:
        return self.dockerfile is not None or bool(self.environment.get("docker_image"))

    @property
    def dockerfile(self) -> Path | None:
        file = self.path / "environment" / "Dockerfile"
        return file if file.is_file() else None

    @property
    def tests(self) -> Path:
        return self.path / "tests"

    @property
    def solution(self) -> Path | None:
        file = self.path / "solution" / "solve.sh"
        return file if file.is_file() else None

    @property
    def cluster(self) -> str | None:
        """Tasks of one cluster (repo, family) share errors: statistics cluster on it."""
        value = self.metadata.get("cluster")
        return str(value) if value is not None else None


def load_task(path: str | Path) -> Task:
    path = Path(path)
    instruction_file, toml_file = path / "instruction.md", path / "task.toml"
    if not instruction_file.is_file():
        raise TaskError(f"{path}: no instruction.md")
    if not (path / "tests" / "test.sh").is_file():
        raise TaskError(f"{path}: no tests/test.sh (the verifier)")
    try:
        data = tomllib.loads(toml_file.read_text("utf-8")) if toml_file.is_file() else {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise TaskError(f"{toml_file}: not valid TOML: {error}") from error
    agent, verifier = data.get("agent", {}), data.get("verifier", {})
    return Task(
        name=path.name,
        path=path.resolve(),
        instruction=instruction_file.read_text("utf-8"),
        agent_timeout_s=_seconds(toml_file, "agent", agent, DEFAULT_AGENT_TIMEOUT_S),
        verifier_timeout_s=_seconds(toml_file, "verifier", verifier, DEFAULT_VERIFIER_TIMEOUT_S),
        metadata=dict(data.get("metadata", {})),
        environment=_environment(toml_file, data.get("environment", {})),
        verifier_env=_env(toml_file, "verifier", verifier),
        solution_env=_env(toml_file, "solution", data.get("solution", {})),
    )


# [environment] keys a container task reads (evals/container.py), checked when the task
# loads so that `reins tasks list` names a bad one, not a trial's traceback.
_POSITIVE_NUMBERS = ("build_timeout_sec", "cpus", "memory_mb")


def _environment(toml_file: Path, table: Any) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise TaskError(f"{toml_file}: [environment] must be a table, not {table!r}")
    for key in _POSITIVE_NUMBERS:
        value = table.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not value > 0
        ):
            raise TaskError(f"{toml_file}: [environment] {key} must be a number above 0, "
                            f"not {value!r}")  # fmt: skip
    if not isinstance(table.get("allow_internet", True), bool):
        raise TaskError(f"{toml_file}: [environment] allow_internet must be true or false")
    image = table.get("docker_image")
    if image is not None and not isinstance(image, str):
        raise TaskError(f"{toml_file}: [environment] docker_image must be an image name")
    _env(toml_file, "environment", table)
    return dict(table)


def _env(toml_file: Path, section: str, table: Any) -> dict[str, str]:
    env = table.get("env", {}) if isinstance(table, dict) else {}
    if not isinstance(env, dict):
        raise TaskError(f"{toml_file}: [{section}] env must be a table of names to values")
    return {str(name): str(value) for name, value in env.items()}


def _seconds(toml_file: Path, section: str, table: Any, default: float) -> float:
    if not isinstance(table, dict):
        raise TaskError(f"{toml_file}: [{section}] must be a table, not {table!r}")
    value = table.get("timeout_sec", default)
    try:
        seconds = math.nan if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not 0 < seconds < math.inf:  # NaN fails this too
        raise TaskError(
            f"{toml_file}: [{section}] timeout_sec must be a number of seconds above 0, "
            f"not {value!r}"
        )
    return seconds


def load_suite(path: str | Path) -> list[Task]:
    """Every task under `path` (a single task folder is a suite of one), sorted by name."""
    path = Path(path)
    if not path.is_dir():
        raise TaskError(f"{path}: not a directory")
    if (path / "instruction.md").is_file():
        return [load_task(path)]
    tasks = [load_task(p) for p in sorted(path.iterdir()) if (p / "instruction.md").is_file()]
    if not tasks:
        raise TaskError(f"{path}: no tasks (folders with instruction.md and tests/test.sh)")
    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        raise TaskError(f"{path}: task names must be unique")
    return tasks


def select_tasks(
    tasks: list[Task],
    include: list[str] = (),  # type: ignore[assignment]
    exclude: list[str] = (),  # type: ignore[assignment]
    limit: int | None = None,
    seed: int = 0,
) -> list[Task]:
    """The tasks named by `include` (all when empty) minus `exclude`, then a seeded random
    subset of `limit`. Patterns are fnmatch globs on task names; `@FILE` reads one pattern
    per line (# comments allowed), e.g. a tuning split kept out of a confirmation run.
    A pattern that matches nothing is an error: a typo must not silently shrink a suite."""
    import fnmatch
    import random

    def expand(patterns: list[str]) -> list[str]:
        out: list[str] = []
        for pattern in patterns:
            if pattern.startswith("@"):
                try:
                    lines = Path(pattern[1:]).read_text("utf-8").splitlines()
                except OSError as error:
                    raise TaskError(f"cannot read task list {pattern[1:]}: {error}") from error
                out += [ln.split("#")[0].strip() for ln in lines if ln.split("#")[0].strip()]
            else:
                out.append(pattern)
        return out

    names = [t.name for t in tasks]
    chosen = list(tasks)
    for role, patterns in (("--task", expand(list(include))), ("--exclude", expand(list(exclude)))):
        for pattern in patterns:
            if not fnmatch.filter(names, pattern):
                raise TaskError(f"{role} {pattern!r} matches no task of the suite")
        if role == "--task" and patterns:
            chosen = [t for t in chosen if any(fnmatch.fnmatchcase(t.name, p) for p in patterns)]
        elif role == "--exclude":
            chosen = [
                t for t in chosen if not any(fnmatch.fnmatchcase(t.name, p) for p in patterns)
            ]
    if limit is not None and limit < len(chosen):
        chosen = sorted(random.Random(seed).sample(chosen, limit), key=lambda t: t.name)
    return chosen
