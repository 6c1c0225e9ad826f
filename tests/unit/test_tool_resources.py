"""A session's tool environment is immutable; its resources are made on first use and all
closed together, newest first, by `ctx.close()`."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time

import pytest

from reins.tools.base import ToolContext, ToolEnv
from reins.tools.resources import Resources, ResourcesClosed


class Thing:
    def __init__(self, name: str, closed: list[str], fail: bool = False, is_async: bool = False):
        self.name, self.closed, self.fail, self.is_async = name, closed, fail, is_async

    def close(self):
        if self.is_async:
            return self._close_async()
        self._close()

    async def _close_async(self):
        await asyncio.sleep(0.01)
        self._close()

    def _close(self):
        self.closed.append(self.name)
        if self.fail:
            raise RuntimeError(f"{self.name} would not close")


async def test_resources_close_newest_first_and_one_failure_stops_nothing():
    closed: list[str] = []
    resources = Resources()
    index = resources.get("index", lambda: Thing("index", closed))
    assert resources.get("index", lambda: Thing("other", closed)) is index  # made once
    resources.get("embedder", lambda: Thing("embedder", closed, fail=True))
    resources.get("servers", lambda: Thing("servers", closed, is_async=True))
    todos = resources.get("todos", list)  # nothing to close
    todos.append("x")
    assert resources.names() == ["index", "embedder", "servers", "todos"]
    failed = await resources.close()
    assert closed == ["servers", "embedder", "index"]
    assert list(failed) == ["embedder"] and "would not close" in str(failed["embedder"])
    assert await resources.close() == {} and closed == ["servers", "embedder", "index"]
    with pytest.raises(ResourcesClosed):
        resources.get("index", lambda: Thing("late", closed))
    assert resources.peek("index") is None


def test_threads_asking_for_one_resource_get_one_object_and_others_do_not_wait():
    resources = Resources()
    made = []

    def slow():
        time.sleep(0.3)
        made.append(1)
        return object()

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(resources.get("index", slow)))
               for _ in range(8)]  # fmt: skip
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    start = time.perf_counter()
    resources.get("terminals", list)  # not held up by the index being made
    assert time.perf_counter() - start < 0.1
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len({id(g) for g in got}) == 1


def test_the_environment_is_frozen_and_changed_only_by_copy(ctx):
    env = ctx.env
    assert isinstance(env, ToolEnv) and env.command_timeout_s == 30
    with pytest.raises(dataclasses.FrozenInstanceError):
        env.mode = "full-access"
    with pytest.raises(TypeError):
        env.index_settings["embeddings"] = "openai"
    ctx.max_command_timeout_s = 0.8  # what older code does: the context gets a new env
    assert ctx.env.max_command_timeout_s == 0.8 and env.max_command_timeout_s == 1800.0
    again = ToolContext.of(ctx.env)
    assert again.workspace is ctx.workspace and again.resources is not ctx.resources


async def test_closing_the_context_closes_what_the_tools_opened(run, ctx, repo):
    closed: list[str] = []
    marker = repo / "still-alive"
    started = await run("run_command", command=f"sleep 2; touch {marker}", background=True)
    assert started.ok, started.output
    ctx.lsp = Thing("lsp", closed, is_async=True)  # a stand-in language server manager
    assert ctx.resources.names() == ["terminals", "lsp"]
    await ctx.close()
    assert closed == ["lsp"] and ctx.lsp is None
    await asyncio.sleep(2.5)
    assert not marker.exists()  # the background terminal died with the session
    late = await run("run_command", command="sleep 1", background=True)
    assert not late.ok and "closed" in late.output
