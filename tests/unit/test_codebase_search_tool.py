"""codebase_search as the agent calls it, and the OpenAI-compatible embeddings option."""

from __future__ import annotations

import numpy as np
import pytest

from reins.index.embed.factory import make_embedder
from reins.tools.errors import ErrorKind
from tests.fake_server import FakeServer


@pytest.fixture
def search_repo(repo):
    (repo / "src" / "billing.py").write_text(
        "def refund_order(order, amount):\n"
        "    if amount > order.total:\n"
        "        raise ValueError('refund exceeds total')\n"
        "    order.total -= amount\n"
        "    return order\n"
    )
    return repo


async def test_tool_returns_ranked_locations_with_code_and_follows_edits(run, ctx, search_repo):
    result = await run("codebase_search", query="give money back for an order")
    assert result.kind is ErrorKind.OK, result.output
    first_hit = result.output.splitlines()[2]  # after the summary line and a blank
    assert first_hit.startswith("src/billing.py:1-5") and "refund_order" in first_hit
    assert "    3          raise ValueError('refund exceeds total')" in result.output
    # the index follows the workspace: a new function is found on the next call
    (search_repo / "src" / "billing.py").write_text("def charge_card(card):\n    return card\n")
    again = await run("codebase_search", query="refund_order")
    assert "src/billing.py:1-5" not in again.output
    assert "charge_card" in (await run("codebase_search", query="charge a card")).output
    if ctx.codebase_embedder is not None:
        ctx.codebase_embedder.join(30)
    ctx.codebase.close()


async def test_tool_rejects_empty_queries_and_filters_by_glob(run, ctx, search_repo):
    empty = await run("codebase_search", query="  ")
    assert empty.kind is ErrorKind.INVALID_ARGUMENTS
    only_readme = await run("codebase_search", query="demo greet", path_glob="*.md")
    assert only_readme.kind is ErrorKind.OK
    assert "README.md:1-1" in only_readme.output and "src/" not in only_readme.output
    none = await run("codebase_search", query="greet", path_glob="nowhere/**")
    assert none.kind is ErrorKind.OK and "no code matches" in none.output
    if ctx.codebase_embedder is not None:
        ctx.codebase_embedder.join(30)
    ctx.codebase.close()


def test_openai_compatible_embeddings_endpoint(monkeypatch):
    monkeypatch.setenv("EMBED_KEY", "k")
    vectors = [[3.0, 4.0, 0.0], [0.0, 0.0, 2.0]]
    reply = {"object": "list", "model": "m", "usage": {"prompt_tokens": 2, "total_tokens": 2},
             "data": [{"object": "embedding", "index": i, "embedding": v}
                      for i, v in reversed(list(enumerate(vectors)))]}  # fmt: skip
    with FakeServer([{"json": reply}]) as server:
        embedder = make_embedder({"embeddings": "openai-compat", "embedding_model": "m",
                                  "embedding_base_url": server.url + "/v1",
                                  "embedding_api_key_env": "EMBED_KEY"})  # fmt: skip
        out = embedder.embed(["a", "b"])
    assert server.raw[0][0] == "/v1/embeddings"
    assert server.requests[0]["input"] == ["a", "b"] and server.requests[0]["model"] == "m"
    np.testing.assert_allclose(out, [[0.6, 0.8, 0.0], [0.0, 0.0, 1.0]])  # by index, normalised
    assert embedder.name.endswith(":m")


def test_embedding_settings_are_checked():
    with pytest.raises(ValueError, match="unknown setting"):
        make_embedder({"embedings": "local"})
    with pytest.raises(ValueError, match="embedding_model"):
        make_embedder({"embeddings": "openai-compat"})


FAILING = {"status": 500, "headers": {"x-should-retry": "false"},
           "json": {"error": {"message": "embedding backend is down"}}}  # fmt: skip


async def test_a_failing_embeddings_endpoint_is_a_provider_error(repo, search_repo, monkeypatch):
    """The service behind codebase_search fails: ProviderError naming it, with a way on."""
    from reins.models.messages import ToolCall
    from reins.sandbox import make_sandbox
    from reins.tools.base import ToolContext
    from reins.tools.executor import ToolExecutor
    from reins.tools.registry import build_tools
    from reins.tools.workspace import Workspace

    monkeypatch.setenv("EMBED_KEY", "k")
    with FakeServer([FAILING] * 10) as server:
        settings = {"embeddings": "openai-compat", "embedding_model": "m",
                    "embedding_base_url": server.url + "/v1", "embedding_api_key_env": "EMBED_KEY"}  # fmt: skip
        ctx = ToolContext(Workspace(repo), make_sandbox(str(repo)), 30, index_settings=settings)
        executor = ToolExecutor(build_tools(), ctx)
        try:
            (done,) = await executor.run_batch([ToolCall("codebase_search", {"query": "refund"})])
            result = done.result
            assert result.kind is ErrorKind.PROVIDER_ERROR, result.output
            assert server.url in result.output and "HTTP 500" in result.output
            assert "embedding backend is down" in result.output and "grep" in result.output
            assert server.raw and server.raw[0][0] == "/v1/embeddings"
        finally:
            await ctx.close()
    assert ctx.codebase is None and ctx.resources.closed  # the index was closed with the session


def test_an_unreachable_embeddings_endpoint_raises_provider_error(monkeypatch):
    import socket

    from reins.index.embed.remote import RemoteEmbedder
    from reins.models.client import ProviderError

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    embedder = RemoteEmbedder("m", f"http://127.0.0.1:{port}/v1")
    embedder.client = embedder.client.with_options(max_retries=0)
    with pytest.raises(ProviderError, match=f"127.0.0.1:{port}.*connection failed") as caught:
        embedder.embed(["a"])
    assert caught.value.reason == "connection" and caught.value.retryable
