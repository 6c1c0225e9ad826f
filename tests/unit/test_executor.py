"""Parallel execution: shared calls overlap, exclusive calls run alone, order is kept."""

import asyncio
import time

import pytest
from pydantic import BaseModel

from reins.models.messages import ToolCall
from reins.tools.access import READ_ALL, WRITE_ALL
from reins.tools.base import Tool
from reins.tools.errors import ErrorKind
from reins.tools.executor import ToolExecutor


class SlowArgs(BaseModel):
    tag: str
    delay: float = 0.1


def recorder():
    log: list[tuple[str, str, float]] = []

    class SlowRead(Tool):
        name = "slow_read"
        description = "sleeps, read-only"
        Args = SlowArgs

        def access(self, args, env):
            return READ_ALL

        async def run(self, args, ctx):
            log.append(("start", args.tag, time.perf_counter()))
            await asyncio.sleep(args.delay)
            log.append(("end", args.tag, time.perf_counter()))
            return args.tag

    class SlowWrite(SlowRead):
        name = "slow_write"

        def access(self, args, env):
            return WRITE_ALL

    return log, [SlowRead(), SlowWrite()]


async def test_eight_reads_run_concurrently(ctx):
    log, tools = recorder()
    executor = ToolExecutor(tools, ctx)
    calls = [ToolCall("slow_read", {"tag": str(i)}) for i in range(8)]
    done = await executor.run_batch(calls)
    assert [d.result.output for d in done] == [str(i) for i in range(8)]
    # All eight were running at once: every one started before any one ended.
    last_start = max(t for event, _, t in log if event == "start")
    first_end = min(t for event, _, t in log if event == "end")
    assert last_start < first_end


async def test_writes_are_exclusive_and_keep_submission_order(ctx):
    log, tools = recorder()
    executor = ToolExecutor(tools, ctx)
    calls = [
        ToolCall("slow_read", {"tag": "r1", "delay": 0.05}),
        ToolCall("slow_read", {"tag": "r2", "delay": 0.05}),
        ToolCall("slow_write", {"tag": "w1", "delay": 0.05}),
        ToolCall("slow_read", {"tag": "r3", "delay": 0.05}),
        ToolCall("slow_write", {"tag": "w2", "delay": 0.05}),
    ]
    await executor.run_batch(calls)
    events = [(kind, tag) for kind, tag, _ in log]
    # r1 and r2 overlap; w1 starts only after both end; r3 after w1; w2 after r3.
    assert events.index(("start", "r2")) < events.index(("end", "r1"))
    assert events.index(("start", "w1")) > max(
        events.index(("end", "r1")), events.index(("end", "r2"))
    )
    assert events.index(("start", "r3")) > events.index(("end", "w1"))
    assert events.index(("start", "w2")) > events.index(("end", "r3"))


async def test_cancelling_a_batch_releases_the_lock(ctx):
    log, tools = recorder()
    executor = ToolExecutor(tools, ctx)
    task = asyncio.create_task(
        executor.run_batch([ToolCall("slow_write", {"tag": "w", "delay": 5})])
    )
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    done = await asyncio.wait_for(
        executor.run_batch([ToolCall("slow_write", {"tag": "after", "delay": 0})]), 1
    )
    assert done[0].result.kind is ErrorKind.OK


class FailArgs(BaseModel):
    how: str


class CallsAService(Tool):
    name = "calls_a_service"
    description = "fails the way a service behind a tool fails"
    Args = FailArgs

    async def run(self, args, ctx):
        import openai

        try:  # the HTTP library this openai release is built on
            import httpx2 as httpx
        except ImportError:
            import httpx

        from reins.models.client import ProviderError

        request = httpx.Request("POST", "http://127.0.0.1:9/v1/embeddings")
        if args.how == "provider":
            raise ProviderError("embeddings endpoint x: HTTP 503: overloaded", status=503)
        if args.how == "connection":
            raise openai.APIConnectionError(request=request)
        if args.how == "status":
            response = httpx.Response(500, request=request, json={"error": {"message": "boom"}})
            raise openai.InternalServerError("Error code: 500 - boom", response=response, body=None)
        raise RuntimeError("a bug")


@pytest.mark.parametrize(
    ("how", "said"),
    [("provider", "HTTP 503: overloaded"), ("connection", "connection failed"),
     ("status", "HTTP 500")],
)  # fmt: skip
async def test_a_failing_service_behind_a_tool_is_a_provider_error(ctx, how, said):
    executor = ToolExecutor([CallsAService()], ctx)
    (done,) = await executor.run_batch([ToolCall("calls_a_service", {"how": how})])
    assert done.result.kind is ErrorKind.PROVIDER_ERROR, done.result.output
    assert said in done.result.output and "not your call" in done.result.output
    (bug,) = await executor.run_batch([ToolCall("calls_a_service", {"how": "bug"})])
    assert bug.result.kind is ErrorKind.UNKNOWN
