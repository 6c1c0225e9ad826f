"""One trial: a task, an arm (agent + variant) and an epoch, in a fresh copy of the
workspace. The agent runs, then the verifier; the result is one TrialResult.

`run_trial(spec)` is a plain function of a picklable spec, so the same code runs inline,
in a worker process and as a Ray task.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import subprocess
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reins.config import Config
from reins.evals.results import TrialResult
from reins.evals.task import Task, load_task
from reins.evals.trial_folder import TrialFolder
from reins.evals.variants import Variant
from reins.evals.verifier import VerifierUnavailable, apply_solution, verify

AGENTS = ("reins", "oracle", "nop", "aider", "mini-swe-agent")
STORE_FILE = "sessions.db"


@dataclass(frozen=True)
class TrialSpec:
    task_path: str
    arm: str  # the name results are grouped under
    agent: str
    variant: Variant
    epoch: int
    config: Config  # the bench's settings; the variant is applied on top
    out: str  # the bench's output folder (its session log lives there)
    bench_id: str | None = None
    endpoint: str | None = None  # openai-compat base URL#model for peers (reins serve)
    keep: bool = False  # keep the trial's workspace (for debugging)
    agent_timeout_s: float | None = None  # caps the task's own agent time limit


@dataclass
class AgentRun:
    status: str
    wall_s: float = 0.0
    session_id: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    tool_calls: int = 0
    tool_kinds: dict[str, int] = field(default_factory=dict)
    tool_names: dict[str, int] = field(default_factory=dict)
    error: str | None = None  # could not run (infrastructure); the trial is not graded
    agent_error: str | None = None  # ran and ended in its own error; still graded
    attempts: int = 1
    attempt_scores: list[float] = field(default_factory=list)


def run_trial(spec: TrialSpec) -> TrialResult:
    """Run one trial to its result; never raises (an infrastructure failure is `error`)."""
    return asyncio.run(run_trial_async(spec))


async def run_trial_async(spec: TrialSpec) -> TrialResult:
    start, started_at = time.perf_counter(), time.time()
    result = await _run_trial(spec)
    result.trial_s = round(time.perf_counter() - start, 3)
    result.started_at, result.ended_at = round(started_at, 3), round(time.time(), 3)
    result.load_1m, result.cpus = round(os.getloadavg()[0], 2), os.cpu_count()
    return result


async def _run_trial(spec: TrialSpec) -> TrialResult:
    task = load_task(spec.task_path)
    if spec.agent_timeout_s and spec.agent_timeout_s < task.agent_timeout_s:
        task = dataclasses.replace(task, agent_timeout_s=spec.agent_timeout_s)
    result = TrialResult(task=task.name, variant=spec.arm, epoch=spec.epoch, agent=spec.agent,
                         reward=0.0, passed=False, cluster=task.cluster)  # fmt: skip
    if task.container:
        return await _run_container_trial(spec, task, result)
    if task.workspace is None:
        result.skipped = "the task has no environment/workspace"
        return result
    slot = TrialFolder(task.name)
    workspace = slot.path
    try:
        prepare_workspace(task, workspace)
        run = await run_agent(spec, task, workspace)
        _record(result, run, await verify(task, workspace))
    except VerifierUnavailable as error:
        result.error = str(error)
    except Exception as error:  # one broken trial must not end the bench
        result.error = _crash(error)
    finally:
        kept = slot.release(keep=spec.keep)
        if kept is not None:
            result.workspace = str(kept)
    return result


# Peers run their commands on this machine: in a container task they would act on the
# copied files without the image's tools and programs, so their runs would not compare.
HOST_ONLY_AGENTS = ("aider", "mini-swe-agent")


async def _run_container_trial(spec: TrialSpec, task: Task, result: TrialResult) -> TrialResult:
    """A task with a Dockerfile or docker_image, in its container (reins.evals.container)."""
    from reins.evals.container import (
        ContainerEnvironment,
        ContainerError,
        find_engine,
        no_engine_reason,
    )  # fmt: skip

    if spec.agent in HOST_ONLY_AGENTS:
        result.skipped = (f"{spec.agent} runs its commands on this machine, not in the task's "
                          "container; container tasks run with reins, oracle or nop")  # fmt: skip
        return result
    engine = await asyncio.to_thread(find_engine)
    if engine is None:
        result.skipped = no_engine_reason()
        return result
    environment = ContainerEnvironment(task, engine)
    slot = TrialFolder(task.name)
    try:
        start = time.perf_counter()
        await environment.build()
        await environment.start(slot.path)
        result.environment_s = round(time.perf_counter() - start, 3)
        run = await run_agent(spec, task, slot.path, environment)
        _record(result, run, await environment.verify())
    except ContainerError as error:
        result.error = str(error)
    except Exception as error:  # one broken trial must not end the bench
        result.error = _crash(error)
    finally:
        await asyncio.shield(environment.stop())
        kept = slot.release(keep=spec.keep)
        if kept is not None:
            result.workspace = str(kept)
    return result


def _record(result: TrialResult, run: AgentRun, verdict) -> None:
    """The agent's run and the verifier's verdict into the trial's result."""
    result.status, result.wall_s, result.session_id = run.status, run.wall_s, run.session_id
    result.tokens_in, result.tokens_out = run.tokens_in, run.tokens_out
    result.tokens_cached, result.tool_calls = run.tokens_cached, run.tool_calls
    result.tool_kinds, result.tool_names = run.tool_kinds, run.tool_names
    result.error, result.agent_error = run.error, run.agent_error
    result.attempts, result.attempt_scores = run.attempts, run.attempt_scores
    result.verifier_s = round(verdict.seconds, 3)
    result.reward, result.rewards = verdict.reward, verdict.rewards
    result.passed = verdict.reward >= 1.0
    if verdict.error and not result.error:
        result.error = verdict.error


def _crash(error: Exception) -> str:
    return f"{type(error).__name__}: {error}\n{traceback.format_exc()[-1500:]}"


GIT_ENV = {
    "GIT_AUTHOR_NAME": "reins bench", "GIT_AUTHOR_EMAIL": "bench@reins.invalid",
    "GIT_COMMITTER_NAME": "reins bench", "GIT_COMMITTER_EMAIL": "bench@reins.invalid",
    "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
}  # fmt: skip


def prepare_workspace(task: Task, workspace: Path) -> None:
    """A fresh copy of the task's files, committed, so agents can see what they changed."""
    assert task.workspace is not None
    shutil.copytree(task.workspace, workspace, dirs_exist_ok=True, symlinks=True)
    env = {**os.environ, **GIT_ENV}
    for command in (["git", "init", "-q"], ["git", "add", "-A"],
                    ["git", "-c", "maintenance.auto=false", "commit", "-qm", "task", "--allow-empty"]):  # fmt: skip
        subprocess.run(command, cwd=workspace, env=env, capture_output=True, timeout=60)


async def run_agent(spec: TrialSpec, task: Task, workspace: Path, environment=None) -> AgentRun:
    """environment: a container task's (reins.evals.container), where commands run."""
    start = time.perf_counter()
    if spec.agent == "nop":
        return AgentRun("completed")
    if spec.agent == "oracle":
        if environment is not None:
            ok, output = await environment.apply_solution(task.agent_timeout_s)
        else:
            ok, output = await apply_solution(task, workspace, task.agent_timeout_s)
        return AgentRun("completed" if ok else "error", time.perf_counter() - start,
                        error=None if ok else f"the solution failed: {output[-500:]}")  # fmt: skip
    if spec.agent == "reins":
        return await run_reins(spec, task, workspace, environment and environment.sandbox)
    if spec.agent in ("aider", "mini-swe-agent"):
        return await run_peer(spec, task, workspace)
    raise ValueError(f"unknown agent {spec.agent!r}; known: {', '.join(AGENTS)}")


async def run_reins(spec: TrialSpec, task: Task, workspace: Path, sandbox=None) -> AgentRun:
    """sandbox: where the agent's commands run (a container task's); None: the bench's."""
    from reins.store import SessionStore

    config = spec.variant.apply(spec.config)
    wall = min(task.agent_timeout_s, config.max_wall_s or task.agent_timeout_s)
    # The suite (tests, solutions) and the bench's own log are out of the agent's reach.
    hide = [str(task.path.parent), str(Path(spec.out).resolve())]
    config = config.with_flags(
        max_wall_s=wall, sandbox_hide=[*config.sandbox_hide, *hide], checkpoints=False
    )
    store = SessionStore(Path(spec.out) / STORE_FILE)
    try:
        if config.attempts > 1:
            return await _reins_attempts(spec, task, workspace, config, store, sandbox)
        session = await _one_session(spec, task, workspace, config, store, sandbox)
        return _reins_run(spec, task, store, [session])
    finally:
        store.close()


async def _one_session(spec, task, workspace, config, store, sandbox=None):
    from reins.agent.runner import Runner

    runner = Runner(workspace, config, store, title=f"bench {task.name}", variant=spec.arm,
                    parent_session_id=spec.bench_id, sandbox=sandbox)  # fmt: skip
    return await runner.run(task.instruction)


# A later attempt samples at least this hot, each with a seed of its own: a greedy profile
# (qwen-files) would otherwise write the very file that just failed, attempt after attempt.
# A profile that sets no temperature keeps the provider's default (some API models accept
# only theirs).
ATTEMPT_TEMPERATURE = 0.8
# Apart from the seeds a session's own resamples take (seed + 1, + 2, …: models/local_llama).
ATTEMPT_SEED_STEP = 1000


def attempt_config(config: Config, number: int) -> Config:
    """The config of a best-of-n trial's attempt `number` (0: the first, as configured)."""
    if number == 0:
        return config
    from reins.agent.builder import effective_profile
    from reins.models.factory import local_seed

    profile = effective_profile(config)
    overrides = {name: dict(values) for name, values in config.profiles.items()}
    if profile.temperature is not None and profile.temperature < ATTEMPT_TEMPERATURE:
        overrides.setdefault(profile.name, {})["temperature"] = ATTEMPT_TEMPERATURE
    seed = local_seed(config.seed) + ATTEMPT_SEED_STEP * number
    return config.with_flags(profiles=overrides, seed=seed)


async def _reins_attempts(spec, task, workspace, config, store, task_sandbox=None) -> AgentRun:
    """Best-of-n with the task's visible tests (reins.evals.attempts)."""
    from reins.evals.attempts import best_of
    from reins.sandbox import make_sandbox

    test_cmd = task.metadata.get("test_cmd")
    if not test_cmd:
        return AgentRun("error", error=f"attempts={config.attempts} needs a task that gives the "
                        "agent its tests (test_cmd in task.toml: import with --with-tests)")  # fmt: skip
    outcomes = []

    async def run_once(seconds: float):
        attempt = attempt_config(config, len(outcomes)).with_flags(max_wall_s=seconds)
        outcome = await _one_session(spec, task, workspace, attempt, store, task_sandbox)
        outcomes.append(outcome)
        return outcome.session_id or None, outcome.wall_s

    sandbox = task_sandbox or make_sandbox(
        str(workspace), "workspace-write", False, (), tuple(config.sandbox_hide)
    )

    async def run_tests(seconds: float):
        done = await sandbox.exec(test_cmd, str(workspace), min(seconds, config.command_timeout_s))
        return (-1 if done.timed_out else done.exit_code), done.output

    try:  # each attempt gets the task's whole time limit
        tried = await best_of(config.attempts, workspace,
                              config.max_wall_s or task.agent_timeout_s, run_once, run_tests)  # fmt: skip
    finally:
        await sandbox.close()
    run = _reins_run(spec, task, store, outcomes)
    run.attempt_scores = [round(attempt.score, 4) for attempt in tried]
    return run


def _reins_run(spec: TrialSpec, task: Task, store, outcomes: list) -> AgentRun:
    """One AgentRun from a trial's sessions: the last one's status, everything summed."""
    last = outcomes[-1]
    failed = last.final_message if last.status == "error" else None
    run = AgentRun(
        last.status, sum(o.wall_s for o in outcomes), last.session_id or None,
        sum(o.tokens_in for o in outcomes), sum(o.tokens_out for o in outcomes),
        tool_calls=sum(o.tool_calls for o in outcomes), attempts=len(outcomes),
    )  # fmt: skip
    # A session that never started (no id: the model or the store could not be opened) is
    # the infrastructure's failure; one that ran and ended in an error is the agent's.
    if last.session_id:
        run.agent_error = failed
    else:
        run.error = failed
    kinds: Counter = Counter()
    names: Counter = Counter()
    for number, outcome in enumerate(outcomes, 1):
        if not outcome.session_id:
            continue
        from reins.evals.atif import write_atif

        suffix = f"-attempt{number}" if len(outcomes) > 1 else ""
        path = Path(spec.out) / "trajectories" / f"{trial_name(task, spec)}{suffix}.json"
        write_atif(path, store, outcome.session_id)  # Harbor's trajectory format
        calls = store.tool_calls(outcome.session_id)
        kinds.update(c["kind"] for c in calls)
        names.update(c["tool"] for c in calls)
        run.tokens_cached += sum(c["tokens_cached"] for c in store.model_calls(outcome.session_id))
    run.tool_kinds, run.tool_names = dict(kinds), dict(names)
    return run


async def run_peer(spec: TrialSpec, task: Task, workspace: Path) -> AgentRun:
    from reins.evals import peers

    if not spec.endpoint:
        raise ValueError(f"{spec.agent} needs a model endpoint (the bench starts `reins serve`)")
    base_url, _, model = spec.endpoint.partition("#")
    runner = peers.run_aider if spec.agent == "aider" else peers.run_mini_swe_agent
    log_dir = Path(spec.out) / "peers" / trial_name(task, spec)
    test_cmd = task.metadata.get("test_cmd")  # only where the agent is given the tests
    peer = await runner(workspace, task.instruction, base_url=base_url, model=model,
                        timeout_s=task.agent_timeout_s, test_cmd=test_cmd, log_dir=log_dir)  # fmt: skip
    # setup_failed: the peer could not start (infrastructure); error: it ran and failed.
    return AgentRun(peer.status, peer.wall_s, tokens_in=peer.tokens_in or 0,
                    tokens_out=peer.tokens_out or 0, tokens_cached=peer.tokens_cached or 0,
                    error=peer.error if peer.status == "setup_failed" else None,
                    agent_error=peer.error if peer.status == "error" else None)  # fmt: skip


def trial_name(task: Task, spec: TrialSpec) -> str:
    return f"{task.name}-{spec.arm}-{spec.epoch}"
