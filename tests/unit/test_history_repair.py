"""repair_history: a logged history made valid for every provider before it is sent again."""

from __future__ import annotations

import copy

from reins.agent.history import INTERRUPTED_RESULT, repair_history
from reins.models.messages import Message, ToolCall


def call(name: str, call_id: str) -> ToolCall:
    return ToolCall(name, {"path": f"{name}.py"}, id=call_id)


def result(call_id: str | None, text: str = "ok", name: str = "read_file") -> Message:
    return Message("tool", text, tool_call_id=call_id, name=name)


def shape(messages: list[Message]) -> list[tuple]:
    out = []
    for m in messages:
        if m.role == "tool":
            out.append(("tool", m.tool_call_id, m.content))
        elif m.role == "assistant":
            out.append(("assistant", tuple(c.id for c in m.tool_calls)))
        else:
            out.append((m.role, m.content))
    return out


def assert_valid(messages: list[Message]) -> None:
    """What OpenAI and Anthropic require of tool calls and results."""
    seen: set[str] = set()
    open_ids: list[str] = []
    for m in messages:
        if m.role == "tool":
            assert m.tool_call_id in open_ids, f"result for no open call: {m.tool_call_id}"
            open_ids.remove(m.tool_call_id)
            continue
        assert not open_ids, f"calls without results before a {m.role} message: {open_ids}"
        if m.role == "assistant":
            ids = [c.id for c in m.tool_calls]
            assert len(set(ids)) == len(ids) and not seen & set(ids)
            seen |= set(ids)
            open_ids = ids
    assert not open_ids


SYSTEM, USER = Message("system", "be brief"), Message("user", "fix it")


def test_a_valid_history_is_returned_unchanged():
    history = [
        SYSTEM, USER,
        Message("assistant", "", tool_calls=[call("read_file", "a"), call("grep", "b")]),
        result("b"), result("a"),  # any order within the window
        Message("assistant", "done"),
        Message("user", "thanks"),
    ]  # fmt: skip
    repaired, repairs = repair_history(history)
    assert repaired == history and repairs == []


def test_a_call_cut_off_by_a_kill_gets_a_synthetic_result():
    history = [
        SYSTEM, USER,
        Message("assistant", "", tool_calls=[call("read_file", "a"), call("run_command", "b")]),
        result("a"),  # killed while b ran
    ]  # fmt: skip
    before = copy.deepcopy(history)
    repaired, repairs = repair_history(history)
    assert history == before  # pure
    assert shape(repaired)[-2:] == [("tool", "a", "ok"), ("tool", "b", INTERRUPTED_RESULT)]
    assert repaired[-1].name == "run_command"
    assert repairs == ["added a result for run_command call b: the run ended before it finished"]
    assert_valid(repaired)
    # resumed: the next user message comes after the synthetic result
    resumed, _ = repair_history([*history, Message("user", "go on")])
    assert shape(resumed)[-2:] == [("tool", "b", INTERRUPTED_RESULT), ("user", "go on")]
    assert_valid(resumed)


def test_results_are_added_before_the_next_message_of_any_role():
    history = [
        SYSTEM, USER,
        Message("assistant", "", tool_calls=[call("grep", "a")]),
        Message("user", "stop, do something else"),
        Message("assistant", "", tool_calls=[call("grep", "b")]),
        Message("assistant", "second reply without results"),
    ]  # fmt: skip
    repaired, repairs = repair_history(history)
    assert shape(repaired)[2:] == [
        ("assistant", ("a",)), ("tool", "a", INTERRUPTED_RESULT),
        ("user", "stop, do something else"),
        ("assistant", ("b",)), ("tool", "b", INTERRUPTED_RESULT),
        ("assistant", ()),
    ]  # fmt: skip
    assert len(repairs) == 2
    assert_valid(repaired)


def test_orphan_and_duplicate_results_are_dropped():
    history = [
        SYSTEM,
        result("nowhere"),  # before any call
        USER,
        Message("assistant", "", tool_calls=[call("read_file", "a")]),
        result("a", "first"),
        result("a", "second"),  # duplicate
        result("zzz"),  # answers no call of this reply
        result(None),  # answers nothing at all
        Message("assistant", "done"),
        result("a", "third"),  # after the window closed
    ]  # fmt: skip
    repaired, repairs = repair_history(history)
    assert shape(repaired) == [
        ("system", "be brief"), ("user", "fix it"), ("assistant", ("a",)),
        ("tool", "a", "first"), ("assistant", ()),
    ]  # fmt: skip
    assert len(repairs) == 5
    assert any("second result" in r for r in repairs)
    assert any("call nowhere" in r and "no open call" in r for r in repairs)
    assert_valid(repaired)


def test_a_result_logged_after_the_next_message_is_moved_up_to_its_call():
    history = [
        SYSTEM, USER,
        Message("assistant", "", tool_calls=[call("read_file", "a"), call("grep", "b")]),
        result("a"),
        Message("user", "typed while b ran"),
        result("b", "late"),
    ]  # fmt: skip
    repaired, repairs = repair_history(history)
    assert shape(repaired)[2:] == [
        ("assistant", ("a", "b")), ("tool", "a", "ok"), ("tool", "b", "late"),
        ("user", "typed while b ran"),
    ]  # fmt: skip
    assert repairs and "moved" in repairs[0]
    assert_valid(repaired)


def test_reused_call_ids_are_made_unique():
    history = [
        SYSTEM, USER,
        Message("assistant", "", tool_calls=[call("read_file", "x")]),
        result("x", "one"),
        Message("assistant", "", tool_calls=[call("grep", "x"), call("grep", "x")]),
        result("x", "two"),
    ]  # fmt: skip
    repaired, repairs = repair_history(history)
    assert shape(repaired)[2:] == [
        ("assistant", ("x",)), ("tool", "x", "one"),
        ("assistant", ("x_2",)), ("tool", "x_2", "two"),
    ]  # fmt: skip
    assert any("repeated" in r for r in repairs) and any("renamed" in r for r in repairs)
    assert history[4].tool_calls[0].id == "x" and history[5].tool_call_id == "x"  # untouched
    assert_valid(repaired)


def test_an_empty_or_call_free_history_needs_nothing():
    assert repair_history([]) == ([], [])
    plain = [SYSTEM, USER, Message("assistant", "hello")]
    assert repair_history(plain) == (plain, [])
