"""8 independent tool calls of ~100 ms each, in one batch.

Target: the batch finishes within 1.5x the slowest single call (sequential would be ~8x).
Workloads:
- waiting: a read-only tool that waits 100 ms (I/O-bound: what network-backed tools do);
  this isolates the executor's scheduling.
- waiting, exclusive on 8 different files: the same, each call declaring exclusive access
  to its own path (what 8 edits of 8 files declare); they do not conflict, so they overlap.
- grep: real ripgrep calls on a generated corpus sized so one call takes ~100 ms. These
  are CPU-bound, so on a 2-core machine they cannot all overlap; reported for honesty.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from reins.models.messages import ToolCall  # noqa: E402
from reins.sandbox import make_sandbox  # noqa: E402
from reins.tools.access import READ_ALL, Access  # noqa: E402
from reins.tools.base import Tool, ToolContext  # noqa: E402
from reins.tools.executor import ToolExecutor  # noqa: E402
from reins.tools.registry import build_tools  # noqa: E402
from reins.tools.workspace import Workspace  # noqa: E402

CALLS = 8
REPEATS = 5


class WaitArgs(BaseModel):
    ms: int = 100
    path: str | None = None  # set: exclusive on this path; else read-only


class Wait(Tool):
    name = "wait"
    description = "waits, read-only (or exclusive on `path`)"
    Args = WaitArgs

    def access(self, args, env):
        return Access.exclusive([args.path]) if args.path else READ_ALL

    async def run(self, args, ctx):
        await asyncio.sleep(args.ms / 1000)
        return "ok"


def make_corpus(root: Path, files: int) -> None:
    rng = random.Random(1)
    words = [f"word{i}" for i in range(5000)]
    for i in range(files):
        (root / f"f{i}.txt").write_text(
            "\n".join(" ".join(rng.choices(words, k=12)) for _ in range(400))
        )


async def batch_ratio(executor: ToolExecutor, calls: list[ToolCall]) -> dict:
    singles, batches = [], []
    for _ in range(REPEATS):
        per_call = []
        for call in calls:
            start = time.perf_counter()
            await executor.run_batch([call])
            per_call.append(time.perf_counter() - start)
        singles.append(max(per_call))
        start = time.perf_counter()
        results = await executor.run_batch(calls)
        batches.append(time.perf_counter() - start)
        assert all(r.result.ok for r in results), [
            r.result.output for r in results if not r.result.ok
        ]
    slowest, batch = statistics.median(singles), statistics.median(batches)
    return {
        "slowest_single_s": slowest,
        "batch_of_8_s": batch,
        "ratio": batch / slowest,
        "sequential_would_be": f"~{CALLS}x",
        "meets_1_5x": batch / slowest <= 1.5,
    }


async def main_async() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_corpus(root, 3000)
        ctx = ToolContext(Workspace(root), make_sandbox(str(root)))
        executor = ToolExecutor([Wait(), *build_tools()], ctx)
        wait_calls = [ToolCall("wait", {"ms": 100}) for _ in range(CALLS)]
        keyed_calls = [ToolCall("wait", {"ms": 100, "path": f"f{i}.txt"}) for i in range(CALLS)]
        grep_calls = [
            ToolCall("grep", {"pattern": f"word{i}7 word{i}8", "ignore_case": True})
            for i in range(CALLS)
        ]
        rows = [
            {"workload": "waiting (I/O-bound)", **await batch_ratio(executor, wait_calls)},
            {
                "workload": "waiting, exclusive on 8 different files",
                **await batch_ratio(executor, keyed_calls),
            },
            {"workload": "ripgrep (CPU-bound, 2 cores)", **await batch_ratio(executor, grep_calls)},
        ]
    return rows


def main() -> None:
    rows = asyncio.run(main_async())
    report("parallel_tools", f"{CALLS} independent tool calls in one batch", rows)


if __name__ == "__main__":
    main()
