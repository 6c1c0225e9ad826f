"""`reins bench`: plan the trials, run them with a progress bar, print the table (or one
JSON object), write the HTML report."""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from reins.config import Config
from reins.evals.bench import (
    Arm,
    new_bench_id,
    pending,
    plan_arms,
    plan_trials,
    run_bench,
    with_keep,
)
from reins.evals.results import TrialResult
from reins.evals.task import load_suite, select_tasks
from reins.evals.variants import Variant

BENCH_FILE = "bench.json"


def bench_identity(out: Path, plan: dict[str, Any]) -> tuple[str, str]:
    """The bench's id and date, kept in OUT/bench.json: a rerun of the same plan resumes it;
    a different plan in the same OUT is refused (its results would be mixed up). The date is
    the day the model is told in every trial (the system prompt names it), so a bench
    resumed on a later day asks what its first day asked."""
    path = out / BENCH_FILE
    if path.is_file():
        saved = json.loads(path.read_text("utf-8"))
        changed = False
        if saved.get("plan") != plan:
            why = resume_conflict(saved.get("plan") or {}, plan)
            if why:
                raise ValueError(f"{out} holds a different bench ({path}): {why}; use another "
                                 "--out or remove it")  # fmt: skip
            saved["plan"] = plan  # the finished trials of the old arms stay valid
            changed = True
        if not isinstance(saved.get("date"), str):  # benches from before dates were kept
            saved["date"], changed = dt.date.today().isoformat(), True
        if changed:
            path.write_text(json.dumps(saved, indent=2), "utf-8")
        return str(saved["id"]), saved["date"]
    out.mkdir(parents=True, exist_ok=True)
    bench_id, date = new_bench_id(), dt.date.today().isoformat()
    path.write_text(json.dumps({"id": bench_id, "date": date, "plan": plan}, indent=2), "utf-8")
    return bench_id, date


def resume_conflict(saved: dict, plan: dict) -> str | None:
    """Why `plan` cannot go on from `saved`, or None: it may be the same plan or add arms
    (every saved arm there, unchanged, nothing else different), so adding a variant or a
    peer to a finished bench reruns nothing. An arm whose profile changed since (a new
    default, an edited profile file) would mix two harnesses in one row."""
    rest = [k for k in set(saved) | set(plan) if k not in ("arms", "profiles")]
    if any(saved.get(k) != plan.get(k) for k in rest):
        return "a rerun may only add arms: the same suite, tasks, epochs and model"
    arms = [tuple(a) for a in plan.get("arms", [])]
    if not all(tuple(a) in arms for a in saved.get("arms", [])):
        return "a rerun may only add arms: every arm of the first run, unchanged"
    now = plan.get("profiles", {})
    for arm, was in saved.get("profiles", {}).items():  # plans before profiles were kept: any
        if arm in now and now[arm] != was:
            return (f"arm {arm} ran with profile {was} and would now run with {now[arm]} "
                    "(the profile or the default changed)")  # fmt: skip
    return None


def arm_profiles(arms: list[Arm], config: Config) -> dict[str, str]:
    """Each reins arm's effective profile as NAME@DIGEST (the digest's first 12 digits)."""
    from reins.agent.builder import effective_profile

    out = {}
    for arm in arms:
        if arm.agent == "reins":
            profile = effective_profile(arm.variant.apply(config))
            out[arm.name] = f"{profile.name}@{profile.digest()[:12]}"
    return out


def run_bench_command(
    suite: Path, *, agents: list[str], variants: list[Variant], config: Config, epochs: int,
    workers: int, ray: str | None, out: Path, as_json: bool, report: Path | None,
    limit: int | None, seed: int, keep: bool, endpoint: str | None,
    include: list[str] = (), exclude: list[str] = (),  # type: ignore[assignment]
    no_run: bool = False, agent_timeout_s: float | None = None,
) -> int:  # fmt: skip
    tasks = select_tasks(load_suite(suite), list(include), list(exclude), limit, seed)
    arms = plan_arms(agents, variants)
    plan = {
        "suite": str(suite.resolve()), "tasks": [t.name for t in tasks],
        "arms": [[a.name, a.agent, a.variant.describe()] for a in arms],
        "epochs": epochs, "model": config.model, "profiles": arm_profiles(arms, config),
    }  # fmt: skip
    # Every agent's time cap, when one is set (the flag, else the config's max_wall_s): a
    # resume under another cap would mix two budgets in one row.
    cap = agent_timeout_s or config.max_wall_s
    if cap:
        plan["agent_timeout_s"] = cap
    console = Console(stderr=True)
    if no_run:  # a look at a bench, maybe still running elsewhere: its plan must match
        saved = out / BENCH_FILE
        had = json.loads(saved.read_text("utf-8")).get("plan") if saved.is_file() else None
        if had is None or resume_conflict(had, plan) or had.get("arms") != plan["arms"]:
            raise ValueError(f"{out} holds no bench with this plan (same suite, tasks, arms, "
                             "epochs and model): nothing to show")  # fmt: skip
        specs = plan_trials(tasks, arms, epochs, config, out, "", None, cap)
        todo, results = pending(specs, out)
        if not as_json:
            console.print(f"{len(specs) - len(todo)} of {len(specs)} trials done; "
                          "nothing run (--no-run)")  # fmt: skip
        _show(results, arms, as_json, report, suite, console)
        return 0
    bench_id, date = bench_identity(out, plan)
    if config.prompt_date is None:
        config = config.with_flags(prompt_date=date)
    peers = [a for a in agents if a in PEERS]
    with model_endpoint(config, peers, console, quiet=as_json) as endpoint:
        specs = with_keep(plan_trials(tasks, arms, epochs, config, out, bench_id, endpoint, cap),
                          keep)  # fmt: skip
        todo, _ = pending(specs, out)
        if not as_json:
            console.print(
                f"[bold]{bench_id}[/bold] · {len(tasks)} tasks × {len(arms)} arms × {epochs} "
                f"epochs = {len(specs)} trials ({len(specs) - len(todo)} already done) · "
                f"results in {out}"
            )
        results = _run_with_progress(specs, out, workers, ray, console, quiet=as_json)
    _show(results, arms, as_json, report, suite, console)
    return 0


def _show(results, arms, as_json: bool, report: Path | None, suite: Path, console) -> None:
    from reins.evals.output import bench_json, bench_table

    if as_json:
        print(json.dumps(bench_json(results, arms), ensure_ascii=False))
    else:
        bench_table(results, arms, Console())
    if report is not None:
        from reins.evals.report import write_report

        write_report(report, results, arms, title=f"reins bench · {suite.name}")
        if not as_json:
            console.print(f"report: {report}")


PEERS = ("aider", "mini-swe-agent")


@contextmanager
def model_endpoint(config: Config, peers: list[str], console: Console, quiet: bool):
    """Where peers reach the model: the configured openai-compat server, or `reins serve`
    started here for any other model (the embedded one), so every agent uses exactly the
    model reins uses. None when no peer runs."""
    if not peers:
        yield None
        return
    from reins.models.spec import ModelSpec

    spec = ModelSpec.parse(config.model)
    if spec.provider == "openai-compat":
        yield f"{spec.base_url}#{spec.model}"
        return
    from reins.agent.runner import prepare_client
    from reins.evals.peers import install_peer
    from reins.profiles import select_profile
    from reins.serve.app import BackgroundServer, build_client

    for peer in peers:  # before the first trial, so no trial pays for an install
        install_peer(peer)
    # The same model and output cap reins' profile uses; stop strings are each agent's own.
    cap = select_profile(spec, config.profile).max_output_tokens
    client = build_client(config.model, max_output_tokens=cap)
    if not quiet:
        console.print(f"serving {client.model} to {', '.join(peers)} (reins serve)")
    prepare_client(client)
    server = BackgroundServer(client).start()
    try:
        yield f"{server.url}#{server.service.model_id}"
    finally:
        server.close()


def _run_with_progress(specs, out, workers, ray, console, quiet: bool) -> list[TrialResult]:
    if quiet or not sys.stderr.isatty():
        return run_bench(specs, out, workers=workers, ray=ray)
    passed = 0
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[passes]}"), TimeRemainingColumn(), console=console,
    ) as bar:  # fmt: skip
        task = bar.add_task("trials", total=None, passes="")

        def on_trial(result: TrialResult, done: int, total: int) -> None:
            nonlocal passed
            passed += result.passed
            bar.update(task, completed=done, total=total, passes=f"{passed} passed")

        return run_bench(specs, out, workers=workers, ray=ray, progress=on_trial)
