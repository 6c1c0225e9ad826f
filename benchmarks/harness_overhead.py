"""Harness overhead per turn with 200 messages of history, model time excluded.

A step = context build + model dispatch (a zero-cost in-memory model) + one cheap tool
call + log writes (SQLite, committed). We time whole steps and subtract the measured time
of the model call itself and of the tool body, leaving what the harness adds.
Target: median under 3 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from reins.agent.builder import open_session  # noqa: E402
from reins.agent.session import TurnState  # noqa: E402
from reins.config import Config  # noqa: E402
from reins.models.messages import Message, ModelReply, ReplyDone, ToolCall, Usage  # noqa: E402
from reins.store import SessionStore  # noqa: E402

HISTORY = 200
STEPS = 300


class InstantModel:
    """Answers each step with one list_dir call; records the time spent inside stream()."""

    supports_native_tools = True
    supports_prefill = True

    def __init__(self, text_protocol: bool):
        self.model = "bench:instant"
        self.text = text_protocol
        self.model_time = 0.0

    async def stream(self, messages, tools=None, *, require_tool=False, prefill=None):
        start = time.perf_counter()
        if self.text:
            raw = '```json\n{"name": "list_dir", "arguments": {"path": "."}}\n```'
            message = Message("assistant", raw, raw=raw)
        else:
            message = Message("assistant", "", tool_calls=[ToolCall("list_dir", {"path": "."})])
        reply = ModelReply(message, Usage(1000, 10), self.model, "tool_calls")
        self.model_time += time.perf_counter() - start
        yield ReplyDone(reply)

    async def close(self):
        return None


def seed_history(session, n: int) -> None:
    for i in range(n // 2):
        call = ToolCall("read_file", {"path": f"f{i}.py"})
        session.history.append(Message("assistant", f"step {i}", tool_calls=[call]))
        session.history.append(
            Message("tool", "1| x = 1\n" * 20, tool_call_id=call.id, name="read_file")
        )


async def measure(profile: str, text_protocol: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        (repo / "a.py").write_text("x = 1\n")
        store = SessionStore(Path(tmp) / "s.db")
        # Guards that only matter for real small models are off: we time the plain loop.
        plain = {"finish_tool": False, "one_call_per_turn": False, "require_tool_use": False}
        config = Config(model="scripted:/dev/null", profile=profile, profiles={profile: plain})
        runtime = open_session(repo, config, store, title="bench")
        session = runtime.session
        model = InstantModel(text_protocol)
        session.model = model
        seed_history(session, HISTORY)
        tool = session.executor.tools["list_dir"]
        tool_time = 0.0
        original = tool.run

        async def timed_run(args, ctx):
            nonlocal tool_time
            start = time.perf_counter()
            try:
                return await original(args, ctx)
            finally:
                tool_time += time.perf_counter() - start

        tool.run = timed_run
        session.budget.max_steps = 1_000_000
        samples = []
        for _ in range(STEPS):
            model.model_time, tool_time = 0.0, 0.0
            state = TurnState()
            start = time.perf_counter()
            await one_step(session, state)
            elapsed = time.perf_counter() - start
            samples.append((elapsed - model.model_time - tool_time) * 1000)
            del session.history[-2:]  # keep the history at a constant 200 messages
        store.close()
    samples.sort()
    return {
        "protocol": "text" if text_protocol else "native",
        "history_messages": HISTORY,
        "median_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95)],
        "target_ms": 3.0,
        "meets_target": statistics.median(samples) < 3.0,
    }


async def one_step(session, state) -> None:
    """One iteration of Session._loop: model call, parse, append+log, execute, record."""
    from reins.profiles.text_protocol import close_open_call, parse_tool_calls

    reply = await session._call_model(state)
    message = reply.message
    if session.context.text_protocol and not message.tool_calls:
        message.raw = close_open_call(message.raw or message.content)
        message.content, message.tool_calls = parse_tool_calls(message.raw)
    session._append(message)
    executed = await session.executor.run_batch(message.tool_calls)
    session._record_tools(state, executed)


def main() -> None:
    rows = [asyncio.run(measure("default", False)), asyncio.run(measure("qwen", True))]
    report("harness_overhead", "Harness overhead per step (model and tool time excluded)", rows)


if __name__ == "__main__":
    main()
