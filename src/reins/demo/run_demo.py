"""`reins demo`: copy the sample project to a temp dir, let the agent fix it, show the tests."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.panel import Panel

from reins.agent.runner import Runner
from reins.config import load_config
from reins.models.spec import DEFAULT_MODEL
from reins.store import SessionStore, default_store_path
from reins.ui.model_loading import console_prepare
from reins.ui.render import ConsoleProgress

TASK = (
    "The test suite fails (run it with `python -m unittest -q`). The tests are correct: "
    "find the bug in the code, fix it, and run the tests again."
)
TEST_COMMAND = [sys.executable, "-m", "unittest", "-q"]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "reins demo", "GIT_AUTHOR_EMAIL": "demo@reins.invalid",
    "GIT_COMMITTER_NAME": "reins demo", "GIT_COMMITTER_EMAIL": "demo@reins.invalid",
}  # fmt: skip


def copy_sample(target: Path) -> Path:
    source = resources.files("reins.demo").joinpath("sample")
    project = target / "shopcart"
    with resources.as_file(source) as path:
        shutil.copytree(path, project, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, **GIT_ENV}
    for cmd in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "sample"]):
        subprocess.run(cmd, cwd=project, env=env, check=True, capture_output=True)
    return project


def run_tests(project: Path) -> tuple[bool, str]:
    proc = subprocess.run(TEST_COMMAND, cwd=project, capture_output=True, text=True, timeout=120)
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


def run_demo(model: str | None, keep: bool) -> int:
    console = Console()
    workdir = Path(tempfile.mkdtemp(prefix="reins-demo-"))
    try:
        project = copy_sample(workdir)
        passed, output = run_tests(project)
        console.print(Panel(output[-800:], title=f"tests before ({'pass' if passed else 'FAIL'})"))
        config = load_config(project).with_flags(model=model or DEFAULT_MODEL, max_steps=15)
        store = SessionStore(default_store_path())
        console.print(f"[bold]task:[/bold] {TASK}")
        runner = Runner(
            project, config, store, progress=ConsoleProgress(console, show_stats=True),
            prepare=console_prepare(console), title="demo: " + TASK,
        )  # fmt: skip
        outcome = asyncio.run(runner.run(TASK))
        if outcome.status == "error" and not outcome.session_id:
            console.print(f"[red]reins: error:[/red] {outcome.final_message}")
            return 1
        diff = subprocess.run(["git", "diff"], cwd=project, capture_output=True, text=True).stdout
        console.print(Panel(diff.strip() or "(no changes)", title="the agent's change"))
        passed, output = run_tests(project)
        style = "green" if passed else "red"
        console.print(
            Panel(output[-800:], title=f"[{style}]tests after ({'pass' if passed else 'FAIL'})")
        )
        console.print(
            f"{outcome.status} · {outcome.steps} steps · {outcome.tool_calls} tool calls · "
            f"{outcome.wall_s:.0f}s · session {outcome.session_id}"
        )
        return 0 if passed else 1
    finally:
        if keep:
            console.print(f"project kept at {workdir / 'shopcart'}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
