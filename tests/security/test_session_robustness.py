"""A turn always ends with a status, never a traceback: garbage from the model, a provider
that breaks mid-reply, a session log that fails mid-turn."""

from __future__ import annotations

import json

from reins.agent.builder import build_session
from reins.agent.doom_loop import DoomLoopGuard, Verdict
from reins.agent.events import Notice
from reins.config import Config
from reins.models.client import ProviderError
from reins.models.messages import Message, ToolCall
from reins.profiles import load_profile
from reins.testing.fuzz_sessions import FlakyStore, FuzzClient, deep_json, run_session_campaign
from reins.tools.base import ToolResult
from reins.tools.errors import ErrorKind
from reins.tools.executor import ExecutedCall


class Notices:
    """A progress subscriber that keeps the notices."""

    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, event):
        if isinstance(event, Notice):
            self.seen.append(event.text)


def fuzz_runtime(repo, store, replies, events=None, **config):
    settings = Config(**config)
    return build_session(
        repo, model=FuzzClient(replies), profile=load_profile(settings.profile or "default"),
        store=store, settings=settings, progress=events, title="t",
    )  # fmt: skip


async def test_a_stream_broken_mid_reply_is_retried(repo, store):
    events = Notices()
    broken = ProviderError("connection reset mid-stream", retryable=True, reason="connection")
    session = fuzz_runtime(repo, store, [broken, Message("assistant", "all done")], events)
    session.model_retries = 2
    outcome = await session.run("go")
    assert outcome.status == "completed" and outcome.final_message == "all done"
    assert any("retrying" in n for n in events.seen)


async def test_bad_credentials_are_not_retried(repo, store):
    events = Notices()
    denied = ProviderError("authentication failed", status=401, reason="auth")
    session = fuzz_runtime(repo, store, [denied, Message("assistant", "never")], events)
    outcome = await session.run("go")
    assert outcome.status == "error" and "authentication failed" in outcome.final_message
    assert not any("retrying" in n for n in events.seen)


async def test_a_session_log_failing_mid_turn_ends_the_turn_cleanly(repo, tmp_path):
    store = FlakyStore(tmp_path / "s.db", None)
    call = ToolCall("list_dir", {"path": "."})
    session = fuzz_runtime(repo, store, [Message("assistant", "", tool_calls=[call])] * 5)
    store.fail_after = store.writes + 3
    outcome = await session.run("go")
    assert outcome.status == "error"
    assert "session log" in outcome.final_message and "locked" in outcome.final_message
    store.close()


async def test_finish_is_an_unknown_tool_where_the_profile_does_not_offer_it(repo, store):
    finish = ToolCall("finish", {"summary": "done"})
    session = fuzz_runtime(
        repo, store, [Message("assistant", "", tool_calls=[finish]), Message("assistant", "ok")]
    )
    assert "finish" not in session.executor.tools
    outcome = await session.run("go")
    assert outcome.final_message == "ok" and outcome.steps == 2
    (logged,) = store.tool_calls(outcome.session_id)
    assert logged["kind"] == "InvalidArguments"


async def test_malformed_calls_are_logged_with_the_model_text(repo, store):
    bad = ToolCall("edit_file", {}, parse_error="not valid JSON", raw_arguments='{"path": "a.py",')
    deep = ToolCall("read_file", json.loads(deep_json(50)))  # nested, yet within the limit
    deeper = ToolCall("read_file", json.loads(deep_json(80)))  # refused before any tool runs
    assert deep.parse_error is None and deeper.parse_error
    replies = [Message("assistant", "", tool_calls=[bad, deep, deeper]), Message("assistant", "ok")]
    session = fuzz_runtime(repo, store, replies)
    outcome = await session.run("go")
    logged = store.tool_calls(outcome.session_id)
    assert json.loads(logged[0]["arguments"]) == {"_raw": '{"path": "a.py",'}
    assert [t["kind"] for t in logged] == ["InvalidArguments"] * 3


def test_arguments_nested_100000_deep_are_refused_not_a_crash():
    call = ToolCall("read_file", {"path": json.loads("[" * 60 + "]" * 60)})
    assert call.parse_error is None
    value: object = 1
    for _ in range(100_000):
        value = [value]
    deep = ToolCall("read_file", {"path": value})
    assert deep.parse_error and "nested" in deep.parse_error and deep.arguments == {}


def test_different_malformed_calls_are_not_the_same_repeated_call():
    guard = DoomLoopGuard()
    failed = ToolResult(ErrorKind.INVALID_ARGUMENTS, "bad")
    for raw in ('{"a": ', "{'b'", "[1,", "nope"):
        call = ToolCall("edit_file", {}, parse_error="not valid JSON", raw_arguments=raw)
        verdict, _ = guard.observe([ExecutedCall(call, failed, 0.0)])
    assert verdict is Verdict.FINE
    same = ToolCall("edit_file", {}, parse_error="not valid JSON", raw_arguments="nope")
    for _ in range(3):
        verdict, _ = guard.observe([ExecutedCall(same, failed, 0.0)])
    assert verdict is Verdict.STOP


def test_an_edit_sent_again_with_replace_all_toggled_is_the_same_attempt():
    # The model re-sent an edit it had made, with replace_all true, then false, then true.
    guard = DoomLoopGuard()
    made = ToolResult(ErrorKind.INVALID_ARGUMENTS, "you made this same edit earlier")
    args = {"path": "more.py", "old_string": "return False", "new_string": "return True"}
    for flag in (True, False, True):
        call = ToolCall("edit_file", {**args, "replace_all": flag})
        verdict, _ = guard.observe([ExecutedCall(call, made, 0.0)])
    assert verdict is Verdict.WARN
    verdict, _ = guard.observe([ExecutedCall(ToolCall("edit_file", args), made, 0.0)])
    assert verdict is Verdict.STOP
    # Another file or other text is another attempt.
    other = ToolCall("edit_file", {**args, "path": "recipes.py"})
    fresh = DoomLoopGuard()
    for call in (ToolCall("edit_file", args), other, ToolCall("edit_file", args), other):
        verdict, _ = fresh.observe([ExecutedCall(call, made, 0.0)])
    assert verdict is Verdict.FINE


def test_session_fuzz_campaign(tmp_path):
    campaign = run_session_campaign(tmp_path, examples=120)
    assert campaign.sessions >= 100
    assert campaign.violations == [], "\n\n".join(campaign.violations[:5])
