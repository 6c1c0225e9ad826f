"""aider and mini-swe-agent for real, against `reins serve` with a scripted model: each
fixes a one-line bug. Their virtualenvs are created on first use (minutes, from PyPI);
when that fails the tests are skipped with the reason."""

import asyncio
import json
import os
import time
from pathlib import Path

import pytest

from reins.evals.peers import (
    AIDER,
    MINI_SWE_AGENT,
    PeerInstallError,
    install_peer,
    run_aider,
    run_mini_swe_agent,
    server_usage,
)
from reins.models.scripted import ScriptedClient
from reins.serve.app import BackgroundServer
from tests.conftest import write_script
from tests.integration.test_serve import SlowClient

# Installing the peers takes minutes and ~1.4 GB of virtualenvs: opt in (CI stays short).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("REINS_PEER_TESTS") != "1",
        reason="set REINS_PEER_TESTS=1 to install and run aider and mini-swe-agent",
    ),
]

BUGGY = "def add(a, b):\n    return a - b\n"
FIXED = "def add(a, b):\n    return a + b\n"
TEST = "from calc import add\nassert add(2, 3) == 5, add(2, 3)\nprint('ok')\n"


def installed(peer):
    try:
        return install_peer(peer, timeout_s=900)
    except PeerInstallError as error:
        pytest.skip(f"{peer.package}=={peer.version} could not be installed: {error}")


@pytest.fixture(scope="module")
def aider():
    return installed(AIDER)


@pytest.fixture(scope="module")
def mini():
    return installed(MINI_SWE_AGENT)


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "workspace"
    folder.mkdir()
    (folder / "calc.py").write_text(BUGGY)
    (folder / "test_calc.py").write_text(TEST)
    return folder


async def test_aider_fixes_the_bug(aider, workspace, tmp_path):
    script = write_script(tmp_path / "turns.jsonl", [
        {"content": f"calc.py\n```python\n{FIXED}```\n"},
    ])  # fmt: skip
    with BackgroundServer(ScriptedClient(script)) as server:
        run = await run_aider(
            workspace, "Fix add() in calc.py: it must return the sum.", base_url=server.url,
            model="scripted:turns.jsonl", timeout_s=180, test_cmd="python3 test_calc.py",
            log_dir=tmp_path / "agent",
        )  # fmt: skip
    assert run.status == "completed", (run.error, run.log_path.read_text())
    assert (workspace / "calc.py").read_text() == FIXED
    assert (run.tokens_source, run.model_calls) == ("server", 1) and run.tokens_in > 100
    log = run.log_path.read_text()
    assert "whole edit format" in log and "Applied edit to calc.py" in log
    assert "\nok\n" in log  # the auto-test ran and passed
    assert sorted(p.name for p in workspace.iterdir()) == ["calc.py", "test_calc.py"]
    assert run.trajectory_path.name == "aider.chat.md"


@pytest.mark.parametrize("text_based", [False, True])
async def test_mini_swe_agent_fixes_the_bug(mini, workspace, tmp_path, text_based):
    command = "sed -i 's/a - b/a + b/' calc.py && python3 test_calc.py"
    submit = "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"
    if text_based:  # commands in fences, for models without native tool calls
        turns = [{"content": f"THOUGHT: fix it.\n\n```mswea_bash_command\n{c}\n```"}
                 for c in (command, submit)]  # fmt: skip
    else:
        turns = [{"content": "Fixing.", "tool_calls": [{"name": "bash", "arguments": {"command": c}}]}
                 for c in (command, submit)]  # fmt: skip

    class Model(ScriptedClient):
        supports_native_tools = not text_based

    with BackgroundServer(Model(write_script(tmp_path / "turns.jsonl", turns))) as server:
        run = await run_mini_swe_agent(
            workspace, "Fix add() in calc.py.", base_url=server.url,
            model="scripted:turns.jsonl", timeout_s=180, test_cmd="python3 test_calc.py",
            log_dir=tmp_path / "agent",
        )  # fmt: skip
    assert run.status == "completed", (run.error, run.log_path.read_text())
    assert (workspace / "calc.py").read_text() == FIXED
    assert (run.tokens_source, run.model_calls) == ("server", 2)
    assert ("mini_textbased.yaml" in run.command) == text_based
    trajectory = json.loads(run.trajectory_path.read_text())
    assert trajectory["info"]["exit_status"] == "Submitted"


async def test_a_peer_past_its_time_is_killed_and_frees_the_model(mini, workspace, tmp_path):
    model = SlowClient()  # every reply takes 60 s
    model.supports_native_tools = True
    with BackgroundServer(model) as server:
        started = time.perf_counter()
        run = await run_mini_swe_agent(
            workspace, "sleep:60", base_url=server.url, model="slow", timeout_s=8,
            test_cmd=None, log_dir=tmp_path / "agent",
        )  # fmt: skip
        assert run.status == "budget" and "timed out" in run.error
        assert time.perf_counter() - started < 8 + 10
        for _ in range(50):  # the server notices the hang-up and stops generating
            if server_usage(server.url)["in_flight"] == 0:
                break
            await asyncio.sleep(0.1)
        assert server_usage(server.url)["in_flight"] == 0 and model.stopped >= 1
    assert (workspace / "calc.py").read_text() == BUGGY
    assert Path(run.log_path).is_file()
