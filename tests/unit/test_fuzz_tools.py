"""Reliability campaign: thousands of adversarial calls; never Unknown, nothing outside the
workspace changes, outputs stay within their caps, and the executor keeps working."""

import asyncio

import pytest
from hypothesis import HealthCheck, Verbosity, given, settings
from hypothesis import strategies as st

from reins.models.messages import ToolCall
from reins.sandbox import make_sandbox
from reins.tools.base import ToolContext
from reins.tools.errors import ErrorKind
from reins.tools.executor import ToolExecutor
from reins.tools.registry import build_tools
from reins.tools.workspace import Workspace
from tests.fuzz_strategies import MAX_OUTPUT_CHARS, build_world, snapshot, tool_call

EXAMPLES = 1100  # batches of 1-5 calls: over 3,000 calls per run


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    ws, outside = build_world(root)
    loop = asyncio.new_event_loop()
    ctx = ToolContext(
        Workspace(ws), make_sandbox(str(ws)), command_timeout_s=0.5,
        max_command_timeout_s=0.8, background_startup_s=0.05,
    )  # fmt: skip
    executor = ToolExecutor(build_tools(), ctx)
    state = {"calls": 0, "kinds": {}}
    yield loop, executor, outside, snapshot(outside), state
    loop.run_until_complete(ctx.terminals.close())
    loop.close()
    assert state["calls"] >= 3000, state
    print(f"\nfuzz: {state['calls']} calls, kinds: {state['kinds']}")


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck), print_blob=False, verbosity=Verbosity.quiet)  # fmt: skip
@given(batch=st.lists(tool_call(), min_size=1, max_size=5))
def test_no_call_is_unknown_or_escapes(world, batch):
    loop, executor, outside, before, state = world
    calls = [ToolCall(name, args) for name, args in batch]
    results = loop.run_until_complete(asyncio.wait_for(executor.run_batch(calls), 60))
    for done in results:
        state["calls"] += 1
        kind = done.result.kind
        state["kinds"][kind.value] = state["kinds"].get(kind.value, 0) + 1
        where = f"{done.call.name}({str(done.call.arguments)[:300]})"
        assert kind is not ErrorKind.UNKNOWN, (where, (done.result.detail or "")[-1500:])
        assert len(done.result.output) <= MAX_OUTPUT_CHARS, (where, len(done.result.output))
    assert snapshot(outside) == before
    if len(executor.ctx.terminals.terminals) >= 6:
        loop.run_until_complete(executor.ctx.terminals.close())
        executor.ctx.terminals.terminals.clear()
    # the executor still works
    (ok,) = loop.run_until_complete(executor.run_batch([ToolCall("list_dir", {"path": "."})]))
    assert ok.result.kind is ErrorKind.OK
