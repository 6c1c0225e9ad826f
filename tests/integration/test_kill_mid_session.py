"""A run killed with SIGKILL mid-session leaves a readable log with every finished step."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

from reins.agent.builder import open_session
from reins.agent.store_writer import load_history
from reins.config import Config
from reins.store import SessionStore, default_store_path
from tests.conftest import write_script


def test_sigkill_keeps_the_log_intact(repo, tmp_path):
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "first", "tool_calls": [{"name": "write_file", "arguments": {"path": "done.txt", "content": "1"}}]},
        {"content": "", "tool_calls": [{"name": "run_command", "arguments": {"command": "sleep 60"}}]},
        {"content": "never"},
    ])  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "reins", "run", "work", "--repo", str(repo), "-m", f"scripted:{script}", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(),
    )  # fmt: skip
    deadline = time.time() + 30
    store_path = default_store_path()
    while time.time() < deadline:
        time.sleep(0.2)
        if store_path.exists():
            store = SessionStore(store_path)
            sessions = store.list_sessions()
            if sessions and len(store.messages(sessions[0].id)) >= 5:
                break
            store.close()
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    store = SessionStore(store_path)
    (row,) = store.list_sessions()
    messages = load_history(store, row.id)
    assert [m.role for m in messages][:5] == ["system", "user", "assistant", "tool", "assistant"]
    assert messages[4].tool_calls[0].arguments == {"command": "sleep 60"}
    assert store.tool_calls(row.id)[0]["tool"] == "write_file"
    assert row.status == "interrupted"  # it never finished, and its process is gone
    show = subprocess.run([sys.executable, "-m", "reins", "sessions", "show", row.id, "--json"],
                          capture_output=True, text=True)  # fmt: skip
    assert json.loads(show.stdout)["session"]["id"] == row.id
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Resuming repairs the call that never got a result (providers reject dangling calls).
    config = Config(model=f"scripted:{script}")
    session = open_session(repo, config, store, title="resume", resume_id=row.id)
    history = session.history
    answered = {m.tool_call_id for m in history if m.role == "tool"}
    calls = [c.id for m in history if m.role == "assistant" for c in m.tool_calls]
    assert calls and set(calls) <= answered
    asyncio.run(session.close())


def test_sigterm_and_sigint_abort_the_step_and_report(repo, tmp_path):
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "run_command", "arguments": {"command": "sleep 30"}}]},
        {"content": "never"},
    ])  # fmt: skip
    for sig in (signal.SIGTERM, signal.SIGINT):
        proc = subprocess.Popen(
            [sys.executable, "-m", "reins", "run", "wait", "--repo", str(repo), "-m", f"scripted:{script}", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(2.5)
        start = time.time()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
        assert time.time() - start < 10
        assert proc.returncode == 128 + int(sig), err  # 143 for SIGTERM, 130 for SIGINT
        result = json.loads(out)
        assert result["status"] == "aborted" and result["tool_calls"] == 1
        named = "terminated by SIGTERM" if sig == signal.SIGTERM else "aborted by the user"
        assert result["final_message"].startswith(named)
        store = SessionStore(default_store_path())
        assert store.tool_calls(result["session_id"])[0]["kind"] == "UserAborted"
        # the model and the log are told why the call stopped, as the person is
        from reins.agent.store_writer import load_history

        tool = [m for m in load_history(store, result["session_id"]) if m.role == "tool"][0]
        assert tool.content.startswith(named) and tool.content.endswith("before it finished")
        store.close()
