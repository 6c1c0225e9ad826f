"""The bench: every trial (task × arm × epoch) of a suite, run inline, on N worker
processes or on Ray, written to OUT/trials.jsonl as each one finishes.

Resumable: a rerun with the same OUT skips the trials already there, so a killed bench
loses only the trials that were in flight, and runs none twice. Worker processes die with
the bench (PR_SET_PDEATHSIG), and each trial's sandbox with its worker.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import multiprocessing
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from reins.config import Config
from reins.evals.results import TrialResult, append_result, load_results
from reins.evals.task import Task
from reins.evals.trial import TrialSpec, run_trial, run_trial_async
from reins.evals.variants import Variant

Progress = Callable[[TrialResult, int, int], None]  # (finished trial, done, total)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be: the running trial's container, sandboxed
    commands, peer and workspace are cleaned up the same way, not left behind."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While the bench runs, SIGTERM interrupts it like Ctrl-C (main thread only)."""
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass(frozen=True)
class Arm:
    """What results are grouped and compared by: an agent, and for reins a variant."""

    name: str
    agent: str
    variant: Variant


def plan_arms(agents: list[str], variants: list[Variant]) -> list[Arm]:
    arms: list[Arm] = []
    for agent in agents:
        if agent == "reins":
            named = len(variants) > 1 or variants[0].name != "base"
            for variant in variants:
                name = variant.name if named else "reins"
                if named and len(agents) > 1:
                    # beside peers, reins as configured is "reins" whatever else runs, so a
                    # rerun can add variants to a bench first run without any
                    plain = variant.name == "base" and not variant.settings and not variant.profile
                    name = "reins" if plain else f"reins-{variant.name}"
                arms.append(Arm(name, agent, variant))
        else:
            arms.append(Arm(agent, agent, Variant(agent)))
    return arms


def plan_trials(tasks: list[Task], arms: list[Arm], epochs: int, config: Config, out: Path,
                bench_id: str, endpoint: str | None = None,
                agent_timeout_s: float | None = None) -> list[TrialSpec]:  # fmt: skip
    """Arms interleaved within each task and epochs outermost, so a bench stopped early
    still compares the arms on the same tasks. Which arm goes first turns with the task:
    the arm after another on the same task finds much of its prompt in the local model's
    cache (half the wall time in an A/A bench), which would otherwise favour one arm."""
    return [
        TrialSpec(
            str(task.path),
            arm.name,
            arm.agent,
            arm.variant,
            epoch,
            config,
            str(out),
            bench_id,
            endpoint,
            agent_timeout_s=agent_timeout_s,
        )  # fmt: skip
        for epoch in range(1, epochs + 1)
        for index, task in enumerate(tasks)
        for arm in arms[index % len(arms) :] + arms[: index % len(arms)]
    ]


def pending(specs: list[TrialSpec], out: Path) -> tuple[list[TrialSpec], list[TrialResult]]:
    """The trials still to run, and the results already in OUT."""
    done = load_results(out)
    keys = {(Path(s.task_path).name, s.arm, s.epoch) for s in specs}
    todo = [s for s in specs if (Path(s.task_path).name, s.arm, s.epoch) not in done]
    return todo, [r for k, r in done.items() if k in keys]


def run_bench(specs: list[TrialSpec], out: Path, *, workers: int = 1, ray: str | None = None,
              progress: Progress | None = None) -> list[TrialResult]:  # fmt: skip
    """Run what is not done yet; returns every result of `specs` (old and new)."""
    todo, results = pending(specs, out)
    total, done = len(todo), 0
    for result in _execute(todo, workers, ray):
        append_result(out, result)
        results.append(result)
        done += 1
        if progress is not None:
            progress(result, done, total)
    return results


def _execute(todo: list[TrialSpec], workers: int, ray: str | None) -> Iterator[TrialResult]:
    if not todo:
        return iter(())
    if ray is not None:
        return _on_ray(todo, ray, workers)
    if workers <= 1:
        return _inline(todo)
    return _in_processes(todo, workers)


# After Ctrl-C, how long the running trial may take to clean up (its sessions closed, its
# container removed, its folder freed) before the bench exits anyway.
CLEANUP_S = 30.0


def _inline(todo: list[TrialSpec]) -> Iterator[TrialResult]:
    loop = asyncio.new_event_loop()
    try:
        for spec in todo:
            trial = loop.create_task(run_trial_async(spec))
            try:
                result = loop.run_until_complete(trial)
            except BaseException:  # Ctrl-C arrives here, with the trial still suspended:
                trial.cancel()  # without this its finally blocks would never run
                with contextlib.suppress(BaseException):  # a second Ctrl-C skips the wait
                    loop.run_until_complete(asyncio.wait([trial], timeout=CLEANUP_S))
                raise
            yield result
    finally:
        loop.close()


def _die_with_parent() -> None:
    """Worker initializer: a worker whose bench was killed (kill -9) must not go on
    running a trial nobody will record; one sent SIGTERM cleans its trial up first."""
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _in_processes(todo: list[TrialSpec], workers: int) -> Iterator[TrialResult]:
    context = multiprocessing.get_context("spawn")  # no forked threads or event loops
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_die_with_parent
    ) as pool:
        futures = [pool.submit(run_trial, spec) for spec in todo]
        try:
            for future in concurrent.futures.as_completed(futures):
                yield future.result()
        except Terminated:  # SIGTERM to the bench alone: its workers stop their trials too
            for process in multiprocessing.active_children():  # the pool's workers
                with contextlib.suppress(OSError):
                    process.terminate()
            raise
        finally:
            for future in futures:
                future.cancel()


def _on_ray(todo: list[TrialSpec], address: str, workers: int) -> Iterator[TrialResult]:
    try:
        import ray
    except ImportError as error:
        raise RuntimeError("--ray needs Ray: pip install 'reins[ray]'") from error
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
    remote = ray.remote(num_cpus=1)(run_trial)
    waiting = [remote.remote(spec) for spec in todo]
    while waiting:
        ready, waiting = ray.wait(waiting, num_returns=1)
        yield ray.get(ready[0])


def new_bench_id() -> str:
    return time.strftime("bench-%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def with_keep(specs: list[TrialSpec], keep: bool) -> list[TrialSpec]:
    return [replace(s, keep=keep) for s in specs] if keep else specs
