"""`reins chat` in a real terminal (tmux): a turn changes a file, /diff shows it, /undo
puts it back, the next request tells the model about the undo, /cost adds it up, and
`chat --continue` goes on in the same session."""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import write_script

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    def __init__(self, command: list[str], env: dict[str, str]):
        self.name = f"reins-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex_quote(v)}" for k, v in env.items())
        line = f"env {exports} {' '.join(shlex_quote(c) for c in command)}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "160", "-y", "50", line],
                       check=True)  # fmt: skip
        # Keep the pane after the program exits, so its last words can be read.
        subprocess.run(["tmux", "set-option", "-t", self.name, "remain-on-exit", "on"], check=True)

    def send(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        subprocess.run(["tmux", "send-keys", "-t", self.name, "Enter"], check=True)

    def screen(self) -> str:
        done = subprocess.run(["tmux", "capture-pane", "-p", "-J", "-S", "-200", "-t", self.name],
                              capture_output=True, text=True)  # fmt: skip
        return done.stdout

    def wait_for(self, text: str, timeout: float = 30.0, count: int = 1) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.screen()
            if screen.count(text) >= count:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} (x{count}) never appeared; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def test_chat_diff_and_undo_in_a_terminal(repo, tmp_path):
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "src/util.py"}},
                                       {"name": "write_file", "arguments": {"path": "src/util.py", "content": "VALUE = 42\n"}}]},
        {"content": "Set VALUE to 42."},
        {"content": "Understood."},
    ])  # fmt: skip
    env = {k: os.environ[k] for k in ("REINS_DATA_DIR", "XDG_CONFIG_HOME", "REINS_INDEX_DIR",
                                      "REINS_CACHE_DIR", "PATH", "HOME") if k in os.environ}  # fmt: skip
    env["TERM"] = "xterm-256color"
    chat = Tmux([sys.executable, "-m", "reins", "chat", "--repo", str(repo), "-m",
                 f"scripted:{script}"], env)  # fmt: skip
    try:
        chat.wait_for("reins>")
        chat.send("set VALUE to 42")
        screen = chat.wait_for("1 file changed")
        assert "M src/util.py" in screen
        assert (repo / "src/util.py").read_text() == "VALUE = 42\n"
        chat.send("/diff")
        screen = chat.wait_for("+VALUE = 42")
        assert "-VALUE = 1" in screen
        chat.send("/undo")
        chat.wait_for("undid turn 1")
        assert (repo / "src/util.py").read_text() == "VALUE = 1\n"
        chat.send("/undo")
        chat.wait_for("nothing to undo")
        chat.send("thanks")
        chat.wait_for("Understood.")
        chat.send("/cost")
        screen = chat.wait_for("tool calls · cost")
        assert "3 model calls · tokens in/out" in screen
        chat.send("/exit")
        chat.wait_for("saved; resume with")
    finally:
        chat.close()
    sessions = subprocess.run([sys.executable, "-m", "reins", "sessions", "list", "--json"],
                              capture_output=True, text=True, env={**os.environ, **env})  # fmt: skip
    listed = json.loads(sessions.stdout)
    session_id = listed[0]["id"]
    assert listed[0]["title"] == "set VALUE to 42"  # titled from its first request
    # --continue picks the chat up again in this repo, with what was said before
    again = write_script(tmp_path / "again.jsonl", [{"content": "Welcome back."}])
    chat = Tmux([sys.executable, "-m", "reins", "chat", "--continue", "--repo", str(repo), "-m",
                 f"scripted:{again}"], env)  # fmt: skip
    try:
        chat.wait_for("reins>")
        chat.send("hello again")
        chat.wait_for("Welcome back.")
        chat.send("/session")
        chat.wait_for(session_id, count=2)  # the resume notice or the prompt, and /session
        chat.send("/exit")
        chat.wait_for("saved; resume with")
    finally:
        chat.close()
    shown = subprocess.run([sys.executable, "-m", "reins", "sessions", "show", session_id, "--json"],
                           capture_output=True, text=True, env={**os.environ, **env})  # fmt: skip
    users = [m["content"] for m in json.loads(shown.stdout)["messages"] if m["role"] == "user"]
    assert users[-2].startswith("(I undid your changes") and "src/util.py" in users[-2]
    assert users[-1] == "hello again"  # the continued chat went on in the same session
