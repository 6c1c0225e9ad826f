"""Session-level fuzzing: whole turns driven by a model that sends garbage — malformed and
deeply nested calls, lone surrogates, unknown tools, `finish` where it is not offered, text
protocol replies with broken JSON — and a session log that fails mid-turn. Every turn must
end with a status (no traceback), leave no session `running`, and produce no `Unknown`
tool result. Used by tests/security/test_session_robustness.py and benchmarks/fuzz_tools.py."""

from __future__ import annotations

import asyncio
import json
import time
import traceback
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from reins.agent.builder import build_session
from reins.agent.outcome import STATUSES
from reins.config import Config
from reins.models.client import ProviderError
from reins.models.messages import Message, ModelReply, ReplyDone, TextDelta, ToolCall, Usage
from reins.profiles import load_profile
from reins.store import SessionStore, StoreError
from reins.testing.fuzz_strategies import WEIRD, build_world, tool_call

DEEP = 100_000


def deep_json(depth: int) -> str:
    return '{"path": ' + "[" * depth + "]" * depth + "}"


def deep_value(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def native_call(draw) -> ToolCall:
    kind = draw(st.integers(0, 9))
    if kind == 0:  # malformed arguments, as a provider client reports them
        raw = draw(
            st.one_of(st.sampled_from(WEIRD), st.text(max_size=40), st.just(deep_json(DEEP)))
        )
        return ToolCall(draw(st.sampled_from(["edit_file", "run_command", "x"])), {},
                        parse_error=f"arguments are not valid JSON: {raw[:30]!r}", raw_arguments=raw)  # fmt: skip
    if kind == 1:
        return ToolCall("read_file", {"path": deep_value(draw(st.sampled_from([70, DEEP])))})
    if kind == 2:
        return ToolCall("finish", {"summary": draw(st.sampled_from(WEIRD))})
    name, args = draw(tool_call())
    return ToolCall(name, args)


@st.composite
def text_reply(draw) -> str:
    """What a local model writes under the text protocol, broken in the usual ways."""
    pieces = draw(st.lists(st.one_of(
        st.sampled_from(WEIRD), st.text(max_size=30),
        st.just('<tool_call>{"name": "read_file", "arguments": {"path": "src/app.py"}}</tool_call>'),
        st.just("<tool_call>" + deep_json(DEEP) + "</tool_call>"),
        st.just('<tool_call>{"name": "edit_file", "arguments": {"path": "src/app.py", "old_string": "\ud800"'),
        st.just('```json\n{"name": "run_command", "arguments": {"command": "echo hi"}}\n```'),
        st.just("<tool_call>not json at all</tool_call>"),
        st.just('<tool_call>{"name": "finish", "arguments": {"summary": "done"}}</tool_call>'),
    ), max_size=4))  # fmt: skip
    return "".join(pieces)


class FuzzClient:
    """Replays generated replies; optionally fails like a provider between them."""

    supports_native_tools = True
    supports_prefill = False
    model = "fuzz:model"

    def __init__(self, replies: list[Message | str | ProviderError]):
        self.replies = list(replies)

    async def stream(
        self, messages, tools=None, *, require_tool=False, prefill=None, temperature=None,
        max_tokens=None,
    ) -> AsyncIterator:  # fmt: skip
        reply = self.replies.pop(0) if self.replies else Message("assistant", "done")
        if isinstance(reply, ProviderError):
            raise reply
        if isinstance(reply, str):
            reply = Message("assistant", reply, raw=reply)
        if reply.content:
            yield TextDelta(reply.content)
        yield ReplyDone(ModelReply(reply, Usage(10, 10), self.model, "stop"))

    async def close(self) -> None:
        return None


class FlakyStore(SessionStore):
    """A session log that starts failing after N writes (a corrupt page, a held lock)."""

    def __init__(self, path: Path, fail_after: int | None):
        super().__init__(path)
        self.fail_after = fail_after
        self.writes = 0

    def _write(self, sql, params):
        self.writes += 1
        if self.fail_after is not None and self.writes > self.fail_after:
            raise StoreError(f"session store {self.path} is locked by another process")
        return super()._write(sql, params)


@dataclass
class SessionCampaign:
    sessions: int = 0
    tool_calls: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_session_campaign(root: Path, examples: int, derandomize: bool = True) -> SessionCampaign:
    ws, _ = build_world(root)
    campaign = SessionCampaign()
    start = time.perf_counter()
    counter = iter(range(10**9))

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              derandomize=derandomize, suppress_health_check=list(HealthCheck),
              verbosity=Verbosity.quiet)  # fmt: skip
    @given(
        text_protocol=st.booleans(),
        native=st.lists(st.lists(native_call(), min_size=0, max_size=3), min_size=1, max_size=4),
        texts=st.lists(text_reply(), min_size=1, max_size=4),
        provider_failure=st.sampled_from([None, None, None, "mid", "auth"]),
        fail_after=st.one_of(st.none(), st.none(), st.integers(0, 12)),
    )
    def one_session(text_protocol, native, texts, provider_failure, fail_after):
        n = next(counter)
        replies: list[Any] = (
            list(texts)
            if text_protocol
            else [Message("assistant", "", tool_calls=c) for c in native]
        )
        if provider_failure:
            failure = ProviderError("fake: connection reset", retryable=provider_failure == "mid")
            replies.insert(len(replies) // 2, failure)
        store = FlakyStore(root / "stores" / f"{n}.db", None)
        where = f"session {n} (text={text_protocol}, fail_after={fail_after}): {str(replies)[:300]}"
        try:
            config = Config(model="scripted:/dev/null", profile="qwen" if text_protocol else "default",
                            max_steps=6, command_timeout_s=0.5, max_retries=1)  # fmt: skip
            session = build_session(
                ws, model=FuzzClient(replies), profile=load_profile(config.profile or "default"),
                store=store, settings=config, title="fuzz",
            )  # fmt: skip
            session.executor.ctx.max_command_timeout_s = 0.8
            store.fail_after = None if fail_after is None else store.writes + fail_after
            outcome = asyncio.run(_turn(session))
        except Exception:
            campaign.violations.append(f"traceback in {where}:\n{traceback.format_exc()[-1500:]}")
            return
        campaign.sessions += 1
        campaign.tool_calls += outcome.tool_calls
        campaign.statuses[outcome.status] = campaign.statuses.get(outcome.status, 0) + 1
        if outcome.status not in STATUSES:
            campaign.violations.append(f"status {outcome.status!r} in {where}")
        broken = store.fail_after is not None and store.writes > store.fail_after
        if broken and outcome.status != "error":
            campaign.violations.append(f"log failed, yet status {outcome.status!r}: {where}")
        reader = SessionStore(store.path)
        try:
            row = reader.get_session(outcome.session_id) if outcome.session_id else None
            # With the log broken the status cannot be written; once this process is gone
            # the session reads `interrupted` (tests/unit/test_store.py covers that).
            if row is not None and row.status == "running" and not broken:
                campaign.violations.append(f"left running: {where}")
            for call in reader.tool_calls(outcome.session_id) if row else []:
                if call["kind"] == "Unknown":
                    campaign.violations.append(f"Unknown {call['tool']}: {call['error_detail']}")
                json.loads(call["arguments"])
        finally:
            reader.close()
            store.close()

    one_session()
    campaign.seconds = time.perf_counter() - start
    return campaign


async def _turn(session):
    try:
        return await session.run("fuzz")
    finally:
        await session.close()
