"""Harbor's task layout as real Terminal-Bench 2 tasks write it, and the verifier's reward files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reins.evals.task import DEFAULT_VERIFIER_TIMEOUT_S, TaskError, load_suite, load_task
from reins.evals.verifier import read_rewards

TB2_TOML = """\
schema_version = "1.1"

[task]
name = "demo/fix-parser"
keywords = ["parsing"]

[metadata]
author_name = "someone"
difficulty = "medium"
category = "software-engineering"
tags = ["python"]
expert_time_estimate_min = 30.0
junior_time_estimate_min = 120

[agent]
timeout_sec = 900.0

[agent.kwargs]
max_turns = 50

[verifier]
timeout_sec = 300.0

[verifier.env]

[environment]
build_timeout_sec = 600.0
docker_image = "example/fix-parser:1"
cpus = 1
memory_mb = 2048
storage_mb = 10240
allow_internet = false
"""


def make_task(root: Path, toml: str, *, dockerfile: bool = False, workspace: bool = False) -> Path:
    task = root / "fix-parser"
    (task / "tests").mkdir(parents=True)
    (task / "instruction.md").write_text("Fix the parser.\n")
    (task / "task.toml").write_text(toml)
    (task / "tests" / "test.sh").write_text("#!/bin/bash\necho 1 > /logs/verifier/reward.txt\n")
    if dockerfile:
        (task / "environment").mkdir(exist_ok=True)
        (task / "environment" / "Dockerfile").write_text("FROM python:3.12\n")
    if workspace:
        (task / "environment" / "workspace").mkdir(parents=True)
        (task / "environment" / "workspace" / "parser.py").write_text("x = 1\n")
    return task


def test_a_terminal_bench_2_task_loads_with_its_timeouts_and_is_a_container_task(tmp_path):
    # A Dockerfile whose build context is environment/workspace/ (COPY workspace/ …):
    # that folder is not a reins workspace, so the task is a container task (skipped).
    task = load_task(make_task(tmp_path, TB2_TOML, dockerfile=True, workspace=True))
    assert (task.agent_timeout_s, task.verifier_timeout_s) == (900.0, 300.0)
    assert task.metadata["difficulty"] == "medium" and task.environment["cpus"] == 1
    assert task.container and task.workspace is None
    image_only = TB2_TOML  # no Dockerfile, an image named in task.toml
    assert load_task(make_task(tmp_path / "b", image_only, workspace=True)).workspace is None


def test_a_reins_task_runs_here_and_timeouts_default_as_in_harbor(tmp_path):
    task = load_task(make_task(tmp_path, "[agent]\ntimeout_sec = 60\n", workspace=True))
    assert not task.container and task.workspace is not None
    assert task.verifier_timeout_s == DEFAULT_VERIFIER_TIMEOUT_S == 600.0


@pytest.mark.parametrize("value", ['"15m"', "0", "-5", "{ a = 1 }", "true", "inf", "nan"])
def test_a_bad_timeout_names_the_file_and_the_setting(tmp_path, value):
    make_task(tmp_path, f"[verifier]\ntimeout_sec = {value}\n", workspace=True)
    with pytest.raises(TaskError, match=r"task\.toml: \[verifier\] timeout_sec must be"):
        load_suite(tmp_path)


def test_a_section_that_is_not_a_table_is_an_error(tmp_path):
    make_task(tmp_path, "agent = 5\n", workspace=True)
    with pytest.raises(TaskError, match=r"\[agent\] must be a table"):
        load_suite(tmp_path)


def rewards(tmp_path: Path, json_value=None, text: str | None = None):
    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    for name in ("reward.json", "reward.txt"):
        (logs / name).unlink(missing_ok=True)
    if json_value is not None:
        (logs / "reward.json").write_text(json.dumps(json_value))
    if text is not None:
        (logs / "reward.txt").write_text(text)
    return read_rewards(logs)


def test_reward_files_as_harbor_verifiers_write_them(tmp_path):
    assert rewards(tmp_path, text="1\n") == ({"reward": 1.0}, None)
    assert rewards(tmp_path, {"reward": 0.5, "tests": 0.8}) == ({"reward": 0.5, "tests": 0.8}, None)
    # named numbers only: the score comes from reward.txt beside it, or the one number
    assert rewards(tmp_path, {"tests": 0.25, "lint": 1}, text="0.5") == (
        {"tests": 0.25, "lint": 1.0, "reward": 0.5}, None)  # fmt: skip
    assert rewards(tmp_path, {"accuracy": 0.75}) == ({"accuracy": 0.75, "reward": 0.75}, None)
    # flags are not rewards, but a boolean reward is one
    assert rewards(tmp_path, {"reward": 1, "timed_out": True}) == ({"reward": 1.0}, None)
    assert rewards(tmp_path, {"reward": True, "tests": 0.3}) == (
        {"reward": 1.0, "tests": 0.3},
        None,
    )
    assert rewards(tmp_path, {"a": 0.1, "b": 0.2})[1] == (
        'reward.json has no "reward" key (and there is no reward.txt)'
    )
    assert "wrote no reward" in rewards(tmp_path)[1]
    assert rewards(tmp_path, text="lots")[1].startswith("unreadable reward")


def test_tasks_list_says_which_tasks_run_here(tmp_path):
    import subprocess
    import sys

    make_task(tmp_path / "suite" / "a", TB2_TOML, dockerfile=True)
    make_task(tmp_path / "suite" / "b", "[agent]\ntimeout_sec = 60\n", workspace=True)
    (tmp_path / "suite" / "a" / "fix-parser").rename(tmp_path / "suite" / "container-task")
    (tmp_path / "suite" / "b" / "fix-parser").rename(tmp_path / "suite" / "workspace-task")
    for empty in ("a", "b"):
        (tmp_path / "suite" / empty).rmdir()
    listed = subprocess.run(
        [sys.executable, "-m", "reins", "tasks", "list", str(tmp_path / "suite"), "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    runs = {row["name"]: row["runs"] for row in json.loads(listed.stdout)}
    from reins.evals.container import find_engine

    engine = find_engine()
    container = (
        f"container ({engine.name})" if engine else "container (skipped: no podman or docker)"
    )
    assert runs == {"container-task": container, "workspace-task": "workspace"}


def test_verifier_and_solution_env_are_read_and_a_bad_one_is_named(tmp_path):
    toml = TB2_TOML.replace("[verifier.env]\n", '[verifier.env]\nWANT = "a + b"\nLEVEL = 2\n')
    task = load_task(make_task(tmp_path / "ok", toml + '\n[solution]\nenv = { FAST = "1" }\n'))
    assert task.verifier_env == {"WANT": "a + b", "LEVEL": "2"}
    assert task.solution_env == {"FAST": "1"}
    broken = make_task(tmp_path / "bad", '[verifier]\nenv = "WANT=1"\n')
    with pytest.raises(TaskError, match=r"\[verifier\] env must be a table"):
        load_task(broken)


def test_a_container_task_is_skipped_with_the_reason_when_it_cannot_run(tmp_path, monkeypatch):
    import asyncio

    from reins.config import Config
    from reins.evals import container
    from reins.evals.trial import TrialSpec, run_trial_async
    from reins.evals.variants import parse_variant

    task = make_task(tmp_path / "suite", TB2_TOML, dockerfile=True)

    def trial(agent: str):
        spec = TrialSpec(str(task), agent, agent, parse_variant("base"), 1, Config(),
                         str(tmp_path / "out"))  # fmt: skip
        return asyncio.run(run_trial_async(spec))

    # a peer runs its commands on this machine: it cannot work in the task's container
    assert "runs its commands on this machine" in trial("aider").skipped
    container.find_engine.cache_clear()
    monkeypatch.setenv(container.ENGINE_VARIABLE, str(tmp_path / "no-such-podman"))
    try:
        skipped = trial("oracle").skipped
    finally:
        container.find_engine.cache_clear()
    assert skipped and container.ENGINE_VARIABLE in skipped and "cannot run containers" in skipped


def test_a_container_tasks_env_takes_its_templates_from_this_machine(monkeypatch):
    from reins.evals.container import host_value

    monkeypatch.setenv("REINS_TEST_KEY", "sk-123")
    monkeypatch.delenv("REINS_TEST_UNSET", raising=False)
    assert host_value("${REINS_TEST_KEY}") == "sk-123"
    assert host_value("Bearer ${REINS_TEST_KEY}!") == "Bearer sk-123!"
    assert host_value("${REINS_TEST_UNSET:-fallback}") == "fallback"
    assert host_value("${REINS_TEST_UNSET}") == ""
    assert host_value("plain $HOME") == "plain $HOME"  # only the braced form is a template


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ('memory_mb = "big"', "memory_mb must be a number above 0"),
        ("build_timeout_sec = -5", "build_timeout_sec must be a number above 0"),
        ("cpus = true", "cpus must be a number above 0"),
        ('allow_internet = "no"', "allow_internet must be true or false"),
        ('env = "KEY=1"', "[environment] env must be a table"),
        ("docker_image = 3", "docker_image must be an image name"),
    ],
)
def test_a_bad_environment_setting_is_named_when_the_task_loads(tmp_path, line, named):
    task = make_task(tmp_path, f"[environment]\n{line}\n", dockerfile=True)
    with pytest.raises(TaskError, match=re.escape(named)):
        load_task(task)
