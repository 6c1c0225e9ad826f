"""The turn loop on the scripted model: completion, budgets, doom loop, abort, protocols."""

import asyncio

import pytest

from reins.agent.builder import open_session
from reins.agent.store_writer import load_history
from reins.config import Config
from reins.tools.errors import ErrorKind
from tests.conftest import write_script


def open_scripted(repo, store, tmp_path, turns, **config):
    script = write_script(tmp_path / "script.jsonl", turns)
    cfg = Config(model=f"scripted:{script}", **config)
    return open_session(repo, cfg, store, title="test")


async def test_loop_runs_tools_and_completes(repo, store, tmp_path):
    session = open_scripted(repo, store, tmp_path, [
        {"content": "reading", "tool_calls": [{"name": "read_file", "arguments": {"path": "src/util.py"}}]},
        {"content": "", "tool_calls": [{"name": "edit_file", "arguments": {"path": "src/util.py", "old_string": "1", "new_string": "2"}}]},
        {"content": "Changed VALUE to 2."},
    ])  # fmt: skip
    outcome = await session.run("set VALUE to 2")
    assert outcome.status == "completed"
    assert (outcome.steps, outcome.tool_calls) == (3, 2)
    assert outcome.final_message == "Changed VALUE to 2."
    assert (repo / "src/util.py").read_text() == "VALUE = 2\n"
    assert set(outcome.to_dict()) == {
        "session_id", "status", "steps", "tool_calls", "tokens_in", "tokens_out", "wall_s", "final_message",
        "changes",
    }  # fmt: skip
    roles = [m.role for m in load_history(store, outcome.session_id)]
    assert roles == ["system", "user", "assistant", "tool", "assistant", "tool", "assistant"]
    kinds = [t["kind"] for t in store.tool_calls(outcome.session_id)]
    assert kinds == ["ok", "ok"]


async def test_exhausted_script_completes(repo, store, tmp_path):
    session = open_scripted(repo, store, tmp_path, [])
    outcome = await session.run("anything")
    assert outcome.status == "completed" and outcome.steps == 1


async def test_max_steps_budget(repo, store, tmp_path):
    turn = {"content": "", "tool_calls": [{"name": "list_dir", "arguments": {"path": "."}}]}
    session = open_scripted(repo, store, tmp_path, [turn] * 10, max_steps=3)
    outcome = await session.run("loop")
    assert outcome.status == "max_steps" and outcome.steps == 3


async def test_token_budget(repo, store, tmp_path):
    turn = {"content": "x" * 4000, "tool_calls": [{"name": "list_dir", "arguments": {"path": "."}}]}
    session = open_scripted(repo, store, tmp_path, [turn] * 10, max_tokens=1500)
    outcome = await session.run("loop")
    assert outcome.status == "budget" and outcome.steps < 10


async def test_wall_time_budget(repo, store, tmp_path):
    turn = {
        "content": "",
        "tool_calls": [{"name": "run_command", "arguments": {"command": "sleep 0.4"}}],
    }
    session = open_scripted(repo, store, tmp_path, [turn] * 10, max_wall_s=1.0)
    outcome = await session.run("loop")
    assert outcome.status == "budget" and outcome.steps <= 4


async def test_doom_loop_warns_then_stops(repo, store, tmp_path):
    bad = {
        "content": "",
        "tool_calls": [{"name": "read_file", "arguments": {"path": "missing.py"}}],
    }
    session = open_scripted(repo, store, tmp_path, [bad] * 10)
    outcome = await session.run("read it")
    assert outcome.status == "error" and "repeated 4 times" in outcome.final_message
    tool_msgs = [m.content for m in load_history(store, outcome.session_id) if m.role == "tool"]
    assert "made this exact failing call 3 times" in tool_msgs[2]
    assert len(tool_msgs) == 4


async def test_doom_loop_catches_alternating_repeats(repo, store, tmp_path):
    bad = {
        "content": "",
        "tool_calls": [{"name": "read_file", "arguments": {"path": "missing.py"}}],
    }
    good = {"content": "", "tool_calls": [{"name": "list_dir", "arguments": {"path": "."}}]}
    session = open_scripted(repo, store, tmp_path, [bad, good] * 6)
    outcome = await session.run("read it")
    assert outcome.status == "error" and outcome.steps == 7


async def test_abort_mid_tool_keeps_session_and_records_user_aborted(repo, store, tmp_path):
    slow = {
        "content": "",
        "tool_calls": [{"name": "run_command", "arguments": {"command": "sleep 30"}}],
    }
    session = open_scripted(repo, store, tmp_path, [slow, {"content": "after"}])
    task = asyncio.create_task(session.run("wait"))
    await asyncio.sleep(0.5)
    task.cancel()
    outcome = await task
    assert outcome.status == "aborted"
    tools = store.tool_calls(outcome.session_id)
    assert [t["kind"] for t in tools] == [ErrorKind.USER_ABORTED.value]
    # the session goes on after an abort
    second = await session.run("continue")
    assert second.status == "completed" and second.final_message == "after"


async def test_text_protocol_calls_parsed_from_content(repo, store, tmp_path):
    turns = [
        {
            "content": '<tool_call>\n{"name": "read_file", "arguments": {"path": "src/util.py"}}\n</tool_call>'
        },
        {"content": '```json\n{"name": "finish", "arguments": {"summary": "VALUE is 1"}}\n```'},
    ]
    session = open_scripted(repo, store, tmp_path, turns, profile="qwen")
    outcome = await session.run("what is VALUE?")
    assert outcome.status == "completed" and outcome.final_message == "VALUE is 1"
    tool_msgs = [m for m in load_history(store, outcome.session_id) if m.role == "tool"]
    assert "VALUE = 1" in tool_msgs[0].content


async def test_text_protocol_malformed_call_gets_invalid_arguments_and_recovers(
    repo, store, tmp_path
):
    turns = [
        {"content": "<tool_call>{not json at all</tool_call>"},
        {"content": '<tool_call>{"name": "finish", "arguments": {"summary": "ok"}}</tool_call>'},
    ]
    session = open_scripted(repo, store, tmp_path, turns, profile="qwen")
    outcome = await session.run("go")
    assert outcome.status == "completed"
    kinds = [t["kind"] for t in store.tool_calls(outcome.session_id)]
    assert kinds[0] == "InvalidArguments"


async def test_one_call_per_turn_runs_only_the_first(repo, store, tmp_path):
    turns = [
        {"content": "", "tool_calls": [
            {"name": "write_file", "arguments": {"path": "a.txt", "content": "1"}},
            {"name": "write_file", "arguments": {"path": "b.txt", "content": "2"}},
        ]},
        {"content": "", "tool_calls": [{"name": "finish", "arguments": {"summary": "done"}}]},
    ]  # fmt: skip
    session = open_scripted(repo, store, tmp_path, turns, profile="qwen")
    outcome = await session.run("write")
    assert outcome.status == "completed"
    assert (repo / "a.txt").exists() and not (repo / "b.txt").exists()
    tool_msgs = [m.content for m in load_history(store, outcome.session_id) if m.role == "tool"]
    assert tool_msgs[1].startswith("not run")


async def test_finish_profile_pushes_back_on_a_reply_without_a_call(repo, store, tmp_path):
    turns = [
        {"content": "I think it is fine."},
        {
            "content": '<tool_call>{"name": "finish", "arguments": {"summary": "checked"}}</tool_call>'
        },
    ]
    session = open_scripted(repo, store, tmp_path, turns, profile="qwen")
    outcome = await session.run("check")
    assert outcome.status == "completed" and outcome.steps == 2
    users = [m.content for m in load_history(store, outcome.session_id) if m.role == "user"]
    assert "call finish" in users[-1]


async def test_require_tool_use_nudges_once(repo, store, tmp_path):
    session = open_scripted(
        repo, store, tmp_path, [{"content": "done!"}, {"content": "really done"}],
        profiles={"default": {"require_tool_use": True}},
    )  # fmt: skip
    outcome = await session.run("fix it")
    assert outcome.status == "completed" and outcome.final_message == "really done"
    assert outcome.steps == 2


async def test_provider_error_ends_the_turn_with_error(repo, store):
    from reins.agent.builder import build_session
    from reins.models.client import ProviderError
    from reins.profiles import load_profile

    class Overloaded:
        model = "fake:overloaded"
        supports_native_tools, supports_prefill = True, False

        async def stream(self, *args, **kwargs):
            raise ProviderError("HTTP 503: overloaded", status=503)
            yield  # pragma: no cover

        async def close(self):
            return None

    session = build_session(repo, model=Overloaded(), profile=load_profile("default"), store=store)
    outcome = await session.run("hi")
    assert outcome.status == "error" and "503" in outcome.final_message
    calls = store.model_calls(outcome.session_id)
    assert calls[0]["error"] and "overloaded" in calls[0]["error"]


async def test_resume_continues_the_stored_history(repo, store, tmp_path):
    first = open_scripted(repo, store, tmp_path, [{"content": "first answer"}])
    out = await first.run("one")
    script = write_script(tmp_path / "s2.jsonl", [{"content": "second answer"}])
    resumed = open_session(
        repo, Config(model=f"scripted:{script}"), store, title="x", resume_id=out.session_id
    )
    assert [m.content for m in resumed.history[1:]] == ["one", "first answer"]
    await resumed.run("two")
    assert [m.content for m in load_history(store, out.session_id)][-2:] == ["two", "second answer"]


def test_scripted_turn_file_format_errors_are_clear(tmp_path):
    from reins.models.scripted import ScriptError, load_script

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"content": "ok"}\n{not json\n')
    with pytest.raises(ScriptError, match="bad.jsonl:2"):
        load_script(bad)
    with pytest.raises(ScriptError, match="cannot read"):
        load_script(tmp_path / "missing.jsonl")
    bad.write_text('{"content": "ok", "delay_s": "soon"}\n')
    with pytest.raises(ScriptError, match="bad.jsonl:1"):
        load_script(bad)


async def test_a_scripted_turn_can_wait_like_a_remote_model(tmp_path):
    import time

    from reins.models.scripted import ScriptedClient

    script = tmp_path / "slow.jsonl"
    script.write_text('{"content": "a", "delay_s": 0.3}\n{"content": "b"}\n')
    client = ScriptedClient(script)
    for expected_min, expected_max in ((0.3, 2.0), (0.0, 0.1)):
        start = time.perf_counter()
        events = [e async for e in client.stream([])]
        took = time.perf_counter() - start
        assert expected_min <= took < expected_max and events


async def test_finish_next_to_other_calls_runs_them_first(repo, store, tmp_path):
    turns = [
        {"content": "", "tool_calls": [
            {"name": "write_file", "arguments": {"path": "a.txt", "content": "1"}},
            {"name": "finish", "arguments": {"summary": "too early"}},
        ]},
        {"content": "", "tool_calls": [{"name": "finish", "arguments": {"summary": "done"}}]},
    ]  # fmt: skip
    session = open_scripted(
        repo,
        store,
        tmp_path,
        turns,
        profile="qwen",
        profiles={"qwen": {"one_call_per_turn": False}},
    )
    outcome = await session.run("write")
    assert outcome.status == "completed" and outcome.final_message == "done"
    assert (repo / "a.txt").read_text() == "1"
    messages = load_history(store, outcome.session_id)
    answered = {m.tool_call_id for m in messages if m.role == "tool"}
    asked = {c.id for m in messages for c in m.tool_calls}
    assert asked == answered  # every call has a result: the history is valid to resume
    assert any("call finish alone" in m.content for m in messages if m.role == "tool")


async def test_a_repeated_successful_call_is_pointed_out_when_the_profile_asks(
    repo, store, tmp_path
):
    turn = {
        "content": "",
        "tool_calls": [{"name": "read_file", "arguments": {"path": "src/util.py"}}],
    }
    on = open_scripted(repo, store, tmp_path, [turn, turn, {"content": "ok"}],
                       profiles={"default": {"nudge_repeats": True}})  # fmt: skip
    await on.run("read")
    first, second = [m.content for m in on.history if m.role == "tool"]
    assert "already made this exact call" not in first and "already made" in second
    off = open_scripted(repo, store, tmp_path, [turn, turn, {"content": "ok"}])
    await off.run("read")
    assert not any("already made" in m.content for m in off.history if m.role == "tool")
