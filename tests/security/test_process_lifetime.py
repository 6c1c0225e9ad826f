"""Nothing a command starts outlives reins or its own time-out: a process left running
after a benchmark task keeps a serial model server busy and skews every later task."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from reins.sandbox import make_sandbox
from reins.sandbox.factory import bwrap_works

MODES = ["full-access"] + (["workspace-write"] if bwrap_works() else [])
SRC = str(Path(__file__).resolve().parents[2] / "src")


def running(marker: str) -> list[str]:
    """Live (not zombie) processes whose command line is exactly `marker` (not a shell or a
    bwrap whose arguments mention it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if cmdline.strip() == marker and state != "Z":
            found.append(entry.name)
    return found


def survivors(marker: str, within_s: float = 3.0) -> list[str]:
    """The processes still alive after giving them within_s to go (the kernel tears a
    namespace down asynchronously; a loaded machine takes a moment)."""
    deadline = time.monotonic() + within_s
    while (left := running(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.mark.parametrize("mode", MODES)
def test_commands_die_when_reins_is_killed(tmp_path, mode):
    marker = f"{300 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    script = textwrap.dedent(f"""
        import asyncio, sys
        from reins.sandbox import make_sandbox
        box = make_sandbox({str(tmp_path)!r}, {mode!r})
        print("starting", flush=True)
        asyncio.run(box.exec("sleep {marker} & setsid sleep {marker} & sleep {marker}", {str(tmp_path)!r}, 600))
    """)
    env = {**os.environ, "PYTHONPATH": SRC}
    reins = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while len(running(f"sleep {marker}")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(running(f"sleep {marker}")) >= 3
        os.kill(reins.pid, signal.SIGKILL)
        reins.wait()
        deadline = time.monotonic() + 5
        while running(f"sleep {marker}") and time.monotonic() < deadline:
            time.sleep(0.05)
        left = running(f"sleep {marker}")
    finally:
        for pid in running(f"sleep {marker}"):
            os.kill(int(pid), signal.SIGKILL)
    # setsid leaves the process group: the pid namespace (bwrap) or the supervisor's
    # subreaper role (full-access) still finds it.
    assert left == [], left


@pytest.mark.parametrize("mode", MODES)
async def test_background_job_does_not_turn_a_command_into_a_timeout(tmp_path, mode):
    marker = f"{300 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    box = make_sandbox(str(tmp_path), mode)
    start = time.monotonic()
    result = await box.exec(
        f"sleep {marker} & setsid sleep {marker} & echo started", str(tmp_path), 30
    )
    assert time.monotonic() - start < 3
    assert not result.timed_out and result.exit_code == 0
    assert result.output.strip() == "started"
    assert survivors(f"sleep {marker}") == []  # the background job died with its command


@pytest.mark.parametrize("mode", MODES)
async def test_a_timed_out_command_takes_its_escaped_children_down(tmp_path, mode):
    marker = f"{300 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    box = make_sandbox(str(tmp_path), mode)
    command = f"setsid sleep {marker} & (setsid sleep {marker} &); sleep {marker}"
    result = await box.exec(command, str(tmp_path), 1.0)
    assert result.timed_out
    assert survivors(f"sleep {marker}") == []


@pytest.mark.parametrize("mode", MODES)
async def test_killing_a_terminal_takes_its_escaped_children_down(tmp_path, mode):
    from reins.tools.terminal_manager import TerminalManager

    marker = f"{300 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    terminals = TerminalManager()
    box = make_sandbox(str(tmp_path), mode)
    terminal = await terminals.start(box, f"setsid sleep {marker} & sleep {marker}", str(tmp_path))
    deadline = time.monotonic() + 10
    while len(running(f"sleep {marker}")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    await terminals.kill(terminal)
    assert survivors(f"sleep {marker}") == []


def test_a_peer_agent_dies_with_the_bench(tmp_path):
    """aider or mini-swe-agent run by `reins bench` must not outlive it (kill -9 included)."""
    marker = f"{300 + uuid.uuid4().int % 1000}.{uuid.uuid4().int % 10**6}"
    script = textwrap.dedent(f"""
        import asyncio, os
        from pathlib import Path
        from reins.evals.peers import _run_process
        asyncio.run(_run_process(["bash", "-c", "setsid sleep {marker} & sleep {marker}"],
                                 cwd=Path({str(tmp_path)!r}), env=dict(os.environ),
                                 timeout_s=600, log_path=Path({str(tmp_path / "log")!r})))
    """)
    bench = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": SRC})
    try:
        deadline = time.monotonic() + 20
        while len(running(f"sleep {marker}")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(running(f"sleep {marker}")) == 2
        os.kill(bench.pid, signal.SIGKILL)
        bench.wait()
        left = survivors(f"sleep {marker}")
    finally:
        for pid in running(f"sleep {marker}"):
            os.kill(int(pid), signal.SIGKILL)
    assert left == []
