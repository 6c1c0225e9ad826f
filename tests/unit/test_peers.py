"""The peer adapters without the peers: command lines, configs, what they read back from a
peer's own records, process-group kills, install failures, the endpoint probes."""

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import pytest

from reins.evals import peers
from reins.evals.peers import (
    AIDER,
    Peer,
    PeerInstallError,
    aider_command,
    aider_usage,
    install_peer,
    mini_command,
    mini_config,
    mini_result,
    model_card,
    run_aider,
    run_mini_swe_agent,
    server_usage,
    workspace_files,
)
from reins.models.scripted import ScriptedClient
from reins.serve.app import BackgroundServer
from tests.conftest import write_script


def test_aider_command_line(tmp_path):
    command = aider_command(
        "/venv/bin/aider", base_url="http://127.0.0.1:8000/v1", model="local:qwen2.5-coder-1.5b",
        message_file=tmp_path / "m.md", log_dir=tmp_path, test_cmd="python -m pytest -q",
        timeout_s=300, files=["calc.py", "test_calc.py"], metadata_file=tmp_path / "meta.json",
    )  # fmt: skip
    assert command[0] == "/venv/bin/aider"
    flags = " ".join(command)
    for expected in (
        "--model openai/local:qwen2.5-coder-1.5b",
        "--weak-model openai/local:qwen2.5-coder-1.5b",
        "--openai-api-base http://127.0.0.1:8000/v1",
        "--edit-format whole", "--yes-always", "--no-git", "--no-stream",
        f"--message-file {tmp_path / 'm.md'}",
        "--auto-test --test-cmd python -m pytest -q",
        "--no-check-update", "--no-analytics", "--no-detect-urls", "--map-tokens 0",
        f"--chat-history-file {tmp_path / 'aider.chat.md'}",
        f"--model-metadata-file {tmp_path / 'meta.json'}",
    ):  # fmt: skip
        assert expected in flags, expected
    assert command[-3:] == ["--", "calc.py", "test_calc.py"]
    # one argument each: a test command with spaces is not split
    assert command[command.index("--test-cmd") + 1] == "python -m pytest -q"
    plain = aider_command("aider", base_url="u", model="m", message_file=tmp_path / "m",
                          log_dir=tmp_path, test_cmd=None, timeout_s=10)  # fmt: skip
    assert "--no-auto-test" in plain and "--test-cmd" not in plain and "--" not in plain


def test_mini_command_line_and_config(tmp_path):
    command = mini_command("/venv/bin/mini", config_file=tmp_path / "c.yaml",
                           trajectory=tmp_path / "t.json", text_based=False)  # fmt: skip
    assert command[:5] == ["/venv/bin/mini", "--config", "mini.yaml", "--config",
                           str(tmp_path / "c.yaml")]  # fmt: skip
    flags = " ".join(command)
    assert "--agent-class default" in flags and "--yolo" in flags and "--exit-immediately" in flags
    assert f"--output {tmp_path / 't.json'}" in flags and "--model-class" not in flags
    text = mini_command("mini", config_file=tmp_path / "c.yaml", trajectory=tmp_path / "t.json",
                        text_based=True)  # fmt: skip
    assert "mini_textbased.yaml" in text and text[-2:] == ["--model-class", "litellm_textbased"]
    config = mini_config(
        instruction="fix it: \"quotes\", tabs\t, ünïcode 🎉", base_url="http://h:1/v1",
        model="scripted:t.jsonl", api_key="k", workspace=tmp_path, max_steps=7, timeout_s=90,
        command_timeout_s=30,
    )  # fmt: skip
    assert config["agent"]["step_limit"] == 7 and config["agent"]["cost_limit"] == 0
    assert config["agent"]["wall_time_limit_seconds"] == 90
    assert config["model"]["model_name"] == "openai/scripted:t.jsonl"
    assert config["model"]["model_kwargs"]["api_base"] == "http://h:1/v1"
    assert config["model"]["cost_tracking"] == "ignore_errors"
    assert config["environment"] == {"cwd": str(tmp_path), "timeout": 30}
    yaml = pytest.importorskip("yaml")  # mini reads the JSON we write with its YAML loader
    written = json.dumps(config, indent=1, ensure_ascii=False)
    assert yaml.safe_load(written) == config


def test_workspace_files_skips_hidden_caches_binaries_and_big_files(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x = 1\n")
    (tmp_path / "README.md").write_text("hi\n")
    (tmp_path / ".env").write_text("SECRET=1\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.pyc").write_text("x")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\0\0")
    (tmp_path / "big.txt").write_text("x" * (peers.MAX_AIDER_FILE_BYTES + 1))
    assert workspace_files(tmp_path) == ["README.md", "src/a.py"]


def test_token_counts_from_the_peers_own_records(tmp_path):
    log = tmp_path / "analytics.jsonl"
    events = [
        {"event": "launched", "properties": {}},
        {"event": "message_send", "properties": {"prompt_tokens": 700, "completion_tokens": 13}},
        {"event": "message_send", "properties": {"prompt_tokens": 900, "completion_tokens": 20}},
    ]
    log.write_text("\n".join(json.dumps(e) for e in events) + "\n{torn")
    assert aider_usage(log) == (1600, 33, 2)
    assert aider_usage(tmp_path / "missing") is None
    trajectory = tmp_path / "t.json"
    trajectory.write_text(json.dumps({
        "info": {"exit_status": "Submitted", "model_stats": {"api_calls": 2}},
        "messages": [
            {"role": "system", "content": "x"},
            {"role": "assistant", "extra": {"response": {"usage": {
                "prompt_tokens": 10, "completion_tokens": 2,
                "prompt_tokens_details": {"cached_tokens": 4}}}}},
            {"role": "assistant", "extra": {"response": {"usage": {
                "prompt_tokens": 20, "completion_tokens": 3}}}},
        ],
    }))  # fmt: skip
    result = mini_result(trajectory)
    assert (result["exit_status"], result["api_calls"]) == ("Submitted", 2)
    assert (result["prompt_tokens"], result["completion_tokens"], result["cached_tokens"]) == (
        30, 5, 4,
    )  # fmt: skip
    assert mini_result(tmp_path / "missing") is None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[1].startswith("Z"))


def wait_dead(pid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


async def test_timeout_kills_the_whole_process_group(tmp_path):
    pid_file = tmp_path / "pid"
    script = f"sleep 300 & echo $! > {pid_file}; sleep 300"
    started = time.perf_counter()
    code, timed_out, wall = await peers._run_process(
        ["bash", "-c", script], cwd=tmp_path, env=os.environ, timeout_s=1.0,
        log_path=tmp_path / "log",
    )  # fmt: skip
    assert timed_out and code is not None and wall < 1.0 + peers.KILL_GRACE_S + 2
    assert time.perf_counter() - started < 8
    assert wait_dead(int(pid_file.read_text()))  # the grandchild too
    assert (tmp_path / "log").read_text().startswith("$ bash -c")


async def test_what_a_peer_leaves_running_is_killed_after_it_exits(tmp_path):
    pid_file = tmp_path / "pid"
    code, timed_out, _ = await peers._run_process(
        ["bash", "-c", f"sleep 300 & echo $! > {pid_file}; exit 3"], cwd=tmp_path,
        env=os.environ, timeout_s=30, log_path=tmp_path / "log",
    )  # fmt: skip
    assert (code, timed_out) == (3, False)
    assert wait_dead(int(pid_file.read_text()))


async def test_cancelling_a_run_kills_the_peer(tmp_path):
    pid_file = tmp_path / "pid"
    task = asyncio.ensure_future(peers._run_process(
        ["bash", "-c", f"echo $$ > {pid_file}; sleep 300"], cwd=tmp_path, env=os.environ,
        timeout_s=300, log_path=tmp_path / "log",
    ))  # fmt: skip
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert wait_dead(int(pid_file.read_text()))


def test_a_failed_install_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("REINS_CACHE_DIR", str(tmp_path / "cache"))
    bogus = Peer("bogus", "bogus-package", "0.0.1", "bogus")
    lines = []
    with pytest.raises(PeerInstallError, match=r"installing bogus-package==0.0.1 failed"):
        install_peer(bogus, python="/bin/false", progress=lines.append)
    assert "first use only" in lines[0]
    with pytest.raises(PeerInstallError, match="cannot install bogus-package"):
        install_peer(bogus, python=str(tmp_path / "no-such-python"), progress=None)
    assert not peers.is_installed(bogus)


async def test_a_peer_that_cannot_be_installed_is_a_setup_failure(tmp_path, monkeypatch):
    def refuse(peer, **_):
        raise PeerInstallError(f"installing {peer.package} failed: no network")

    monkeypatch.setattr(peers, "install_peer", refuse)
    for run in (run_aider, run_mini_swe_agent):
        result = await run(tmp_path, "x", base_url="http://127.0.0.1:9/v1", model="m",
                           timeout_s=5, test_cmd=None, log_dir=tmp_path / "log")  # fmt: skip
        assert result.status == "setup_failed" and "no network" in result.error
        assert result.to_dict()["log_path"] is None


def test_an_installed_peer_is_found_without_pip(tmp_path, monkeypatch):
    monkeypatch.setenv("REINS_CACHE_DIR", str(tmp_path))
    executable = peers.peer_executable(AIDER)
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\n")
    (executable.parent.parent / ".installed").write_text("aider-chat==0.86.2\n")
    assert install_peer(AIDER, python="/bin/false") == executable
    assert str(tmp_path) in str(executable) and "aider-0.86.2" in str(executable)


def test_the_endpoint_probes(tmp_path):
    script = write_script(tmp_path / "t.jsonl", [{"content": "hi"}])
    with BackgroundServer(ScriptedClient(script)) as server:
        usage = server_usage(server.url)
        assert usage["requests"] == 0 and usage["prompt_tokens"] == 0
        card = model_card(server.url, "scripted:t.jsonl")
        assert card["reins"]["native_tools"] is True
        assert model_card(server.url, "other")["id"] == "scripted:t.jsonl"  # the only one
    assert server_usage("http://127.0.0.1:9/v1") is None
    assert model_card("http://127.0.0.1:9/v1", "m") == {}


def test_the_peer_environment_is_scrubbed(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real")
    monkeypatch.setenv("AIDER_MODEL", "gpt-4")
    monkeypatch.setenv("MSWEA_MODEL_NAME", "x")
    env = peers._scrubbed_env({"OPENAI_API_KEY": "reins"})
    assert env["OPENAI_API_KEY"] == "reins" and "AIDER_MODEL" not in env
    assert "MSWEA_MODEL_NAME" not in env and env["PATH"] == os.environ["PATH"]
    assert sys.executable  # the default interpreter for peer venvs


async def test_aider_gets_a_repository_map_where_the_repository_outgrows_its_chat(
    tmp_path, monkeypatch
):
    # seen: on a mutate task (a 390 KB repository) aider was given 60 files, 74k tokens in
    # a 16k window, and failed at once; now it gets the named test file and its own map
    monkeypatch.setenv("REINS_CACHE_DIR", str(tmp_path / "cache"))
    record = tmp_path / "seen.txt"
    executable = peers.peer_executable(AIDER)
    executable.parent.mkdir(parents=True)
    executable.write_text(
        f'#!/bin/sh\n{{ echo "$*"; test -d .git && git log --oneline | wc -l; }} > {record}\n'
    )
    executable.chmod(0o755)
    (executable.parent.parent / ".installed").write_text("aider-chat==0.86.2\n")
    workspace = tmp_path / "repo"
    (workspace / "pkg" / "tests").mkdir(parents=True)
    (workspace / "pkg" / "core.py").write_text("x = 1\n" * 20_000)  # 120 KB: 30k tokens
    (workspace / "pkg" / "tests" / "test_core.py").write_text("def test_x():\n    pass\n")
    instruction = "These fail: `pkg/tests/test_core.py::test_x` (and missing/nope.py)."
    common = dict(base_url="http://127.0.0.1:9/v1", model="m", timeout_s=30, test_cmd=None,
                  log_dir=tmp_path / "log", context_length=16384)  # fmt: skip
    (tmp_path / "log").mkdir()
    await run_aider(workspace, instruction, **common)
    args, commits = record.read_text().splitlines()
    assert "--no-git" not in args.split() and "--map-tokens 1024" in args and commits.strip() == "1"
    assert args.endswith("-- pkg/tests/test_core.py")
    assert not (workspace / ".git").exists()  # taken away again before the verifier runs
    (workspace / "pkg" / "core.py").write_text("x = 1\n")  # a small one: all in the chat
    await run_aider(workspace, instruction, **common)
    (args,) = record.read_text().splitlines()
    assert "--no-git" in args.split() and "--map-tokens 0" in args
    assert args.endswith("-- pkg/core.py pkg/tests/test_core.py")


def test_no_git_means_no_repository_map_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # git cannot be found
    (tmp_path / "a.py").write_text("x = 1\n")
    assert peers._git_snapshot(tmp_path) is False and not (tmp_path / ".git").exists()
