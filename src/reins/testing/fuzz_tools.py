"""Runs the fuzz campaign: generate-only (no shrinking: we want counts and every failure
fast), recording each call's result kind and every violation with the call that caused it."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from reins.models.messages import ToolCall
from reins.sandbox import make_sandbox
from reins.testing.fuzz_strategies import (
    MAX_OUTPUT_CHARS,
    build_world,
    protected_state,
    snapshot,
    tool_call,
)
from reins.tools.base import ToolContext
from reins.tools.errors import ErrorKind
from reins.tools.executor import ToolExecutor
from reins.tools.registry import build_tools
from reins.tools.workspace import Workspace


@dataclass
class Campaign:
    calls: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_campaign(root: Path, batches: int, derandomize: bool = True) -> Campaign:
    ws, outside = build_world(root)
    before = snapshot(outside)
    protected_before = protected_state(ws)
    loop = asyncio.new_event_loop()
    ctx = ToolContext(
        Workspace(ws), make_sandbox(str(ws)), command_timeout_s=0.5,
        max_command_timeout_s=0.8, background_startup_s=0.05,
    )  # fmt: skip
    executor = ToolExecutor(build_tools(), ctx)
    campaign = Campaign()
    start = time.perf_counter()

    @settings(max_examples=batches, deadline=None, database=None, phases=[Phase.generate],
              derandomize=derandomize,
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)  # fmt: skip
    @given(batch=st.lists(tool_call(), min_size=1, max_size=5))
    def one_batch(batch):
        calls = [ToolCall(name, args) for name, args in batch]
        try:
            results = loop.run_until_complete(asyncio.wait_for(executor.run_batch(calls), 60))
        except TimeoutError:
            campaign.violations.append(f"batch hung: {[c.name for c in calls]} {str(batch)[:300]}")
            return
        for done in results:
            campaign.calls += 1
            kind = done.result.kind.value
            campaign.kinds[kind] = campaign.kinds.get(kind, 0) + 1
            where = f"{done.call.name}({str(done.call.arguments)[:200]})"
            if done.result.kind is ErrorKind.UNKNOWN:
                campaign.violations.append(f"Unknown: {where}: {(done.result.detail or '')[-600:]}")
            if len(done.result.output) > MAX_OUTPUT_CHARS:
                campaign.violations.append(f"output {len(done.result.output)} chars: {where}")
        if snapshot(outside) != before:
            campaign.violations.append(
                f"outside changed after {[c.name for c in calls]} {str(batch)[:300]}"
            )
        if protected_state(ws) != protected_before:
            campaign.violations.append(
                f"reins' own files changed after {[c.name for c in calls]} {str(batch)[:300]}"
            )
        if len(ctx.terminals.terminals) >= 6:
            loop.run_until_complete(ctx.terminals.close())
            ctx.terminals.terminals.clear()
        (check,) = loop.run_until_complete(
            executor.run_batch([ToolCall("list_dir", {"path": "."})])
        )
        if not check.result.ok:
            campaign.violations.append(f"executor broken after {[c.name for c in calls]}")

    try:
        one_batch()
    finally:
        loop.run_until_complete(ctx.terminals.close())
        loop.close()
    campaign.seconds = time.perf_counter() - start
    return campaign
