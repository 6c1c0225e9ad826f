"""Harness overhead per step with 200 messages of history, model and tool time excluded.

Times the real `Session.step()` (the public API the CLI, the lab and RL use): hooks,
protocol rendering and parsing, the model dispatch (an in-memory model that answers at
once), one cheap tool call, and the log writes (SQLite, committed) through the event
record. The time spent inside the model and the tool body is subtracted.
Targets: median under 3 ms (native protocol); hooks add under 1 ms.
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

import reins  # noqa: E402
from reins.models.messages import Message, ModelReply, ReplyDone, ToolCall, Usage  # noqa: E402

HISTORY = 200
STEPS = 300
EXTRA_HOOKS = 10


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


class Watching(reins.Hook):
    """A hook that looks at everything and changes nothing (what a metrics hook costs)."""

    def before_model(self, turn, request):
        self.seen = len(request.messages)

    def after_reply(self, turn, plan):
        self.calls = len(plan.run)

    def after_tools(self, turn, plan, executed):
        self.kinds = [item.result.kind for item in executed]


def seed_history(session, n: int) -> None:
    for i in range(n // 2):
        call = ToolCall("read_file", {"path": f"f{i}.py"})
        session.history.append(Message("assistant", f"step {i}", tool_calls=[call]))
        session.history.append(
            Message("tool", "1| x = 1\n" * 20, tool_call_id=call.id, name="read_file")
        )


async def measure(profile_name: str, text_protocol: bool, hooks: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        (repo / "a.py").write_text("x = 1\n")
        store = reins.SessionStore(Path(tmp) / "s.db")
        # Guards that only matter for real small models are off: we time the plain loop.
        plain = {"finish_tool": False, "one_call_per_turn": False, "require_tool_use": False}
        profile = reins.load_profile(profile_name, plain)
        model = InstantModel(text_protocol)
        settings = reins.Config(max_steps=1_000_000)
        session = reins.build_session(
            repo, model=model, profile=profile, store=store, settings=settings,
            hooks=[Watching() for _ in range(hooks)], title="bench",
        )  # fmt: skip
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
        seed_history(session, HISTORY)
        session.begin("benchmark")
        samples = []
        for _ in range(STEPS):
            model.model_time, tool_time = 0.0, 0.0
            start = time.perf_counter()
            stop = await session.step()
            elapsed = time.perf_counter() - start
            assert stop is None, stop
            samples.append((elapsed - model.model_time - tool_time) * 1000)
            del session.history[-2:]  # keep the history at a constant size
        await session.close()
        store.close()
    samples.sort()
    return {
        "protocol": "text" if text_protocol else "native",
        "extra_hooks": hooks,
        "history_messages": HISTORY,
        "median_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95)],
    }


def main() -> None:
    rows = []
    for profile, text in (("default", False), ("qwen", True)):
        for hooks in (0, EXTRA_HOOKS):
            rows.append(asyncio.run(measure(profile, text, hooks)))
    native = {r["extra_hooks"]: r["median_ms"] for r in rows if r["protocol"] == "native"}
    per_hook_ms = (native[EXTRA_HOOKS] - native[0]) / EXTRA_HOOKS
    report(
        "harness_overhead",
        f"Harness overhead per Session.step() (model and tool time excluded); "
        f"{per_hook_ms * 1000:.1f} µs per extra hook",
        rows,
        {"targets": {"native_median_ms": 3.0, "hooks_added_ms": 1.0},
         "per_hook_ms": per_hook_ms},
    )  # fmt: skip


if __name__ == "__main__":
    main()
