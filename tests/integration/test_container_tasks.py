"""Container tasks (environment/Dockerfile) run in their container with podman or docker:
the oracle and nop check a suite, the reins agent's commands run inside while its file
tools edit the same files, the verifier sees the tests only afterwards, and nothing a
command leaves running outlives its deadline.

The images are built from a busybox root file system made here: no registry is needed.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reins.config import Config
from reins.evals.bench import plan_arms, plan_trials, run_bench
from reins.evals.container import (
    LOW_ULIMITS,
    ContainerEnvironment,
    container_name,
    find_engine,
    image_tag,
)
from reins.evals.task import load_suite, load_task
from reins.evals.variants import parse_variant
from reins.testing.busybox_image import BUSYBOX_IMAGE as BASE_IMAGE
from reins.testing.busybox_image import ensure_busybox_image
from tests.conftest import write_script

MARKER = "made-in-the-image"


@pytest.fixture(scope="module")
def engine():
    engine = find_engine()
    if engine is None:
        pytest.skip("no working podman or docker")
    try:
        image = ensure_busybox_image(engine.path)
    except RuntimeError as error:  # the engine runs but cannot store an image here
        pytest.skip(str(error))
    if image is None:
        pytest.skip(
            "no busybox binary to make the base image from (apt-get install busybox-static)"
        )
    for ulimits in ((), LOW_ULIMITS):  # as ContainerEnvironment retries on rlimit failures
        ran = subprocess.run([engine.path, "run", "--rm", *ulimits, BASE_IMAGE, "true"],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        if ran.returncode == 0:
            return engine
    pytest.skip(f"{engine.name} cannot start a container here: {ran.stderr.strip()[-300:]}")


TEST_SH = f"""#!/bin/sh
grep -q {MARKER} /etc/marker || exit 3
if grep -q "$WANT" calc.txt; then echo 1 > /logs/verifier/reward.txt
else echo 0 > /logs/verifier/reward.txt; fi
"""


def make_task(root: Path, name: str = "fix-calc", dockerfile_extra: str = "") -> Path:
    task = root / name
    for folder in ("environment", "tests", "solution"):
        (task / folder).mkdir(parents=True)
    (task / "environment" / "Dockerfile").write_text(
        f"FROM {BASE_IMAGE}\nWORKDIR /app\nRUN echo {MARKER} > /etc/marker\n"
        "RUN echo 'add = a - b' > /app/calc.txt\n" + dockerfile_extra
    )
    (task / "instruction.md").write_text("Make calc.txt say add = a + b.\n")
    (task / "task.toml").write_text(
        '[agent]\ntimeout_sec = 60\n[verifier]\ntimeout_sec = 30\nenv = { WANT = "a + b" }\n'
        "[environment]\nallow_internet = false\n"
    )
    (task / "tests" / "test.sh").write_text(TEST_SH)
    (task / "solution" / "solve.sh").write_text("sed -i 's/a - b/a + b/' /app/calc.txt\n")
    return task


def test_oracle_scores_one_and_nop_zero_in_the_container(engine, tmp_path):
    make_task(tmp_path / "suite")
    done = subprocess.run(
        [sys.executable, "-m", "reins", "bench", str(tmp_path / "suite"), "--agent", "oracle",
         "--agent", "nop", "--json", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    trials = {t["agent"]: t for t in json.loads(done.stdout)["trials"]}
    assert trials["oracle"]["reward"] == 1.0 and trials["oracle"]["error"] is None
    assert trials["nop"]["reward"] == 0.0 and trials["nop"]["error"] is None
    listed = subprocess.run([engine.path, "ps", "-a", "--format", "{{.Names}}"],
                            capture_output=True, text=True)  # fmt: skip
    assert "reins-fix-calc" not in listed.stdout  # every trial's container is removed


def test_the_agents_commands_run_inside_and_its_edits_reach_the_verifier(engine, tmp_path):
    make_task(tmp_path / "suite")
    fix = {"path": "calc.txt", "content": "add = a + b\n"}
    script = write_script(tmp_path / "turns.jsonl", [
        {"content": "", "tool_calls": [{"name": "run_command", "arguments": {
            "command": "cat /etc/marker; pwd; ls /tests 2>&1; cat calc.txt"}}]},
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "calc.txt"}},
                                       {"name": "write_file", "arguments": fix}]},
        {"content": "", "tool_calls": [{"name": "run_command", "arguments": {
            "command": "cat /app/calc.txt; (sleep 300; echo 0 > /logs/verifier/reward.txt) &"}}]},
        {"content": "done"},
    ])  # fmt: skip
    out = tmp_path / "out"
    specs = plan_trials(load_suite(tmp_path / "suite"), plan_arms(["reins"], [parse_variant("base")]),
                        1, Config(model=f"scripted:{script}"), out, "b")  # fmt: skip
    (result,) = run_bench(specs, out)
    assert result.error is None and result.passed, (result.error, result.agent_error)
    from reins.agent.store_writer import load_history
    from reins.store import SessionStore

    store = SessionStore(out / "sessions.db")
    tools = [m.content for m in load_history(store, result.session_id) if m.role == "tool"]
    store.close()
    # ran in the image, in the workspace (mounted at its own path as well as at /app)
    assert MARKER in tools[0] and "/fix-calc\n" in tools[0]
    assert "add = a - b" in tools[0] and "No such file" in tools[0]  # no /tests yet
    assert "add = a + b" in tools[3]  # the host-side write is the container's /app


def test_nothing_a_command_started_outlives_it_in_the_container(engine, tmp_path):
    task = load_task(make_task(tmp_path / "suite"))
    workspace = tmp_path / "ws"
    workspace.mkdir()

    async def scenario():
        env = ContainerEnvironment(task, engine)
        await env.build()
        await env.start(workspace)
        try:
            assert (workspace / "calc.txt").read_text() == "add = a - b\n"
            slow = await env.sandbox.exec("sleep 31 & sleep 32; echo late", "/app", 1.0)
            quick = await env.sandbox.exec("sleep 33 & echo started; exit 4", "/app", 10)
            left = await env.sandbox.exec("ps -o args | grep -c '[s]leep 3[123]'", "/app", 10)
            # the workspace is mounted at its own path too: the agent's prompt names it
            here = await env.sandbox.exec("cat calc.txt", str(workspace), 10)
            return slow, quick, left, here
        finally:
            await env.stop()

    slow, quick, left, here = asyncio.run(scenario())
    assert slow.timed_out and "late" not in slow.output
    assert quick.exit_code == 4 and "started" in quick.output  # its status is kept
    assert left.output.strip() == "0", left.output
    assert here.output.strip() == "add = a - b"


def test_an_image_is_built_once_and_again_when_its_context_changes(engine, tmp_path):
    task_dir = make_task(tmp_path / "suite")
    first = image_tag(load_task(task_dir))
    assert image_tag(load_task(task_dir)) == first
    (task_dir / "environment" / "extra.txt").write_text("a file the Dockerfile may COPY\n")
    assert image_tag(load_task(task_dir)) != first

    subprocess.run([engine.path, "rmi", "-f", image_tag(load_task(task_dir))], capture_output=True)

    async def build_twice():
        env = ContainerEnvironment(load_task(task_dir), engine)
        return await env.build(), await env.build()

    built, cached = asyncio.run(build_twice())
    assert cached < 2.0 and cached < built


def test_a_broken_dockerfile_is_the_trials_error_with_the_engines_words(engine, tmp_path):
    make_task(tmp_path / "suite", dockerfile_extra="RUN exit 7\n")
    out = tmp_path / "out"
    specs = plan_trials(load_suite(tmp_path / "suite"), plan_arms(["oracle"], [parse_variant("base")]),
                        1, Config(), out, "b")  # fmt: skip
    (result,) = run_bench(specs, out)
    assert result.error and "building fix-calc's image failed" in result.error
    assert not result.passed and result.skipped is None


def test_containers_of_a_killed_bench_are_removed_by_the_next_one(engine, tmp_path):
    from reins.evals import container

    gone = subprocess.Popen(["true"])
    gone.wait()  # its pid now names no process: a bench killed with SIGKILL
    orphan = container_name("orphan-task").replace(f"-{os.getpid()}-", f"-{gone.pid}-")
    ours = container_name("our-task")
    for name in (orphan, ours):
        started = subprocess.run([engine.path, "run", "-d", "--name", name, *LOW_ULIMITS,
                                  BASE_IMAGE, "sleep", "300"], capture_output=True, text=True)  # fmt: skip
        assert started.returncode == 0, started.stderr
    try:
        container._orphans_checked.discard(engine.path)
        removed = asyncio.run(container.remove_orphans(engine))
        names = subprocess.run([engine.path, "ps", "-a", "--format", "{{.Names}}"],
                               capture_output=True, text=True).stdout.split()  # fmt: skip
        assert orphan in removed and orphan not in names
        assert ours in names  # this process is alive: its container stays
    finally:
        subprocess.run(engine.remove_args(ours), capture_output=True)


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_ctrl_c_or_sigterm_in_a_bench_removes_the_running_trials_container(engine, tmp_path, sig):
    import signal
    import time

    make_task(tmp_path / "suite")
    script = write_script(tmp_path / "turns.jsonl", [
        {"content": "", "tool_calls": [{"name": "run_command", "arguments": {
            "command": "sleep 60", "timeout_s": 100}}]},
    ])  # fmt: skip
    bench = subprocess.Popen(
        [sys.executable, "-m", "reins", "bench", str(tmp_path / "suite"), "--model",
         f"scripted:{script}", "--out", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip

    def ours() -> list[str]:
        names = subprocess.run([engine.path, "ps", "-a", "--format", "{{.Names}}"],
                               capture_output=True, text=True).stdout.split()  # fmt: skip
        # not the short-lived "-copy" container the workdir is copied out of: seen first, it
        # made this test flaky (gone again by the time the trial's container was looked for)
        return [n for n in names if f"-{bench.pid}-" in n and not n.endswith("-copy")]

    deadline, seen = time.monotonic() + 120, []
    while time.monotonic() < deadline and bench.poll() is None:
        seen = ours()  # asked once a round: a second `ps` right after may not list it yet
        if seen:
            break
        time.sleep(0.2)
    if not seen:  # say why (the bench's error, or what it was doing); leave nothing running
        running = bench.poll() is None
        if running:
            bench.terminate()
        err = bench.communicate(timeout=60)[1][-1500:]
        raise AssertionError(f"the trial's container never started ({running=}): {err}")
    time.sleep(2)  # the agent's `sleep 60` is running in it
    bench.send_signal(getattr(signal, sig))
    _, err = bench.communicate(timeout=60)
    expected = (130, "interrupted") if sig == "SIGINT" else (143, "terminated")
    assert (bench.returncode, expected[1] in err) == (expected[0], True), err[-1500:]
    assert ours() == []  # removed on the way out, not left for the next bench
