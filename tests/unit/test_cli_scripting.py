"""`reins run` for scripts: tasks from stdin and files, usage errors before any model
loads, exit codes, --json on errors, and stream-json matching the session log."""

import json
import subprocess

from reins.store import SessionStore, default_store_path
from tests.conftest import write_script
from tests.unit.test_cli import REINS, reins

ECHO_SCRIPT = [
    {"content": "", "tool_calls": [{"name": "run_command", "arguments": {"command": "echo hi"}}]},
    {"content": "all good"},
]


def test_task_from_stdin_and_from_a_file(repo, tmp_path):
    script = write_script(tmp_path / "s.jsonl", ECHO_SCRIPT)
    big = "fix this:\n" + "x" * 200_000  # far beyond what an argument list takes
    done = subprocess.run([*REINS, "run", "-", "--repo", str(repo), "-m", f"scripted:{script}", "--json"],
                          input=big, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    session_id = json.loads(done.stdout)["session_id"]
    store = SessionStore(default_store_path())
    assert store.get_session(session_id).title.startswith("fix this:")
    assert store.messages(session_id)[1]["content"] == big
    (tmp_path / "task.md").write_text("from a file\n")
    script = write_script(tmp_path / "s2.jsonl", ECHO_SCRIPT)
    by_file = reins("run", "--task-file", str(tmp_path / "task.md"), "--repo", str(repo),
                    "-m", f"scripted:{script}", "--json")  # fmt: skip
    assert by_file.returncode == 0, by_file.stderr
    assert store.messages(json.loads(by_file.stdout)["session_id"])[1]["content"] == "from a file\n"


def test_a_missing_or_empty_task_is_a_usage_error_before_any_model_loads(repo, tmp_path):
    # The model spec is bad: had anything tried to load it, the error would say so.
    for args, stdin in [(["run", ""], None), (["run", "  \n"], None), (["run"], None),
                        (["run", "-"], ""), (["run", "--task-file", str(tmp_path / "none")], None),
                        (["run", "x", "--task-file", str(tmp_path / "none")], None)]:  # fmt: skip
        done = subprocess.run([*REINS, *args, "--repo", str(repo), "-m", "nope:nothing"],
                              input=stdin or "", capture_output=True, text=True, timeout=30)  # fmt: skip
        assert done.returncode == 2, (args, done.stderr)
        assert "model" not in done.stderr and "Usage:" in done.stderr, done.stderr


def test_json_output_is_one_object_even_on_a_config_error(tmp_path):
    missing = reins("run", "x", "--repo", str(tmp_path / "nope"), "--json")
    assert missing.returncode == 1
    assert "does not exist" in json.loads(missing.stdout)["error"]
    (tmp_path / "cfg" / "reins").mkdir(parents=True)
    (tmp_path / "cfg" / "reins" / "config.toml").write_text("max_stepz = 3\n")
    bad = reins("run", "x", "--repo", str(tmp_path), "--output-format", "json",
                env={"XDG_CONFIG_HOME": str(tmp_path / "cfg")})  # fmt: skip
    assert bad.returncode == 1 and "unknown setting" in json.loads(bad.stdout)["error"]
    # a value of the wrong type is named with its file, before any model loads
    (tmp_path / "cfg" / "reins" / "config.toml").write_text('max_steps = "x"\n')
    typed = reins("run", "x", "--repo", str(tmp_path), "--json",
                  env={"XDG_CONFIG_HOME": str(tmp_path / "cfg")})  # fmt: skip
    error = json.loads(typed.stdout)["error"]
    assert typed.returncode == 1 and "config.toml: max_steps must be a whole number" in error


def test_stream_json_events_parse_line_by_line_and_match_the_log(repo, tmp_path):
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "let me write", "tool_calls": [{"name": "write_file", "arguments": {"path": "n.txt", "content": "n\n"}}]},
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "missing.txt"}}]},
        {"content": "wrote n.txt"},
    ])  # fmt: skip
    done = reins("run", "make n", "--repo", str(repo), "-m", f"scripted:{script}",
                 "--output-format", "stream-json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    types = [e["type"] for e in events]
    assert types[0] == "system_prompt" and types[-1] == "result" and types[-2] == "turn_ended"
    assert {"turn_started", "text_delta", "model_call_started", "model_called",
            "tool_call_started", "tool_called", "message"} <= set(types)  # fmt: skip
    assert all(e["session_id"] == events[-1]["session_id"] for e in events[:-1])
    result = events[-1]
    assert result["status"] == "completed" and result["changes"][0]["path"] == "n.txt"

    store = SessionStore(default_store_path())
    logged = [(m["role"], m["content"]) for m in store.messages(result["session_id"])]
    # The log's rows: the system prompt, then each message, a tool result per tool_called.
    streamed = [(e["message"]["role"], e["message"]["content"]) if e["type"] == "message"
                else ("tool", e["sent"]) for e in events if e["type"] in ("message", "tool_called")]  # fmt: skip
    assert streamed == logged[1:]
    calls = store.tool_calls(result["session_id"])
    done_calls = [e for e in events if e["type"] == "tool_called"]
    assert [(c["tool"], c["kind"]) for c in calls] == [
        (e["executed"]["call"]["name"], e["executed"]["kind"]) for e in done_calls
    ]
    assert done_calls[1]["executed"]["kind"] == "UnexpectedEnvironment"
    usage = [e["usage"] for e in events if e["type"] == "model_called"]
    assert len(usage) == 3 and all("input_tokens" in u for u in usage)


def test_every_json_flag_prints_one_object_on_errors(repo, tmp_path):
    cases = [
        ("sessions", "show", "nope", "--json"),
        ("sessions", "diff", "nope", "--json"),
        ("undo", "--repo", str(repo), "--json"),
        ("search", "", "--repo", str(repo), "--json"),
        ("tasks", "list", str(repo), "--json"),
        ("run", "", "--repo", str(repo), "--json"),  # a usage error (exit 2)
        ("run", "x", "--repo", str(repo), "--output-format", "stream-json", "--continue"),
    ]
    for args in cases:
        done = reins(*args)
        assert done.returncode in (1, 2), (args, done.stderr)
        lines = done.stdout.strip().splitlines()
        assert len(lines) == 1, (args, done.stdout)
        assert json.loads(lines[0])["status"] == "error", args
        assert "reins: error" in done.stderr or "Error:" in done.stderr
