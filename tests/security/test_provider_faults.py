"""Provider fault suite: the OpenAI and Anthropic clients (real SDKs, real HTTP) against a
fake server that truncates, resets, garbles, stalls or empties its replies. A broken reply
must surface as a ProviderError with a machine-readable reason (never as a "complete"
partial answer, never as a raw JSONDecodeError/httpx error), be retried by
stream_with_retries when that can help, stay cancellable, and no compat URL may receive the
user's OPENAI_API_KEY."""

from __future__ import annotations

import asyncio
import time

import pytest

from reins.models.anthropic_client import AnthropicClient
from reins.models.client import ProviderError, collect
from reins.models.messages import Message
from reins.models.openai_client import OpenAIClient
from tests.fake_server import FakeServer

MESSAGES = [Message("user", "hi")]
ANSWER = "Hello world."


def chunk(delta=None, finish=None, usage=None):
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    data = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": choices}  # fmt: skip
    if usage:
        data["usage"] = usage
    return data


OPENAI_TEXT = [
    chunk({"role": "assistant", "content": "Hello "}),
    chunk({"content": "world."}),
    chunk({}, finish="stop"),
    chunk(usage={"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}),
    "[DONE]",
]

ANTHROPIC_TEXT = [
    ("message_start", {"type": "message_start", "message": {"id": "m", "type": "message", "role": "assistant", "model": "claude-x", "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 1}}}),
    ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello "}}),
    ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "world."}}),
    ("content_block_stop", {"type": "content_block_stop", "index": 0}),
    ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 2}}),
    ("message_stop", {"type": "message_stop"}),
]  # fmt: skip


class Provider:
    """One provider's canned stream, and a client pointed at a fake server."""

    def __init__(self, name: str, monkeypatch):
        self.name = name
        self.monkeypatch = monkeypatch
        self.events = OPENAI_TEXT if name == "openai" else ANTHROPIC_TEXT
        # Anthropic's SDK only parses events it knows by name
        self.malformed_event = None if name == "openai" else "content_block_delta"
        self.error_event = (
            {"error": {"message": "server overloaded", "type": "server_error"}}
            if name == "openai"
            else ("error", {"type": "error",
                            "error": {"type": "overloaded_error", "message": "Overloaded"}})
        )  # fmt: skip

    def spec(self, **faults) -> dict:
        return {"sse": self.events, **faults}

    def client(self, server: FakeServer, **kwargs):
        kwargs.setdefault("max_retries", 0)  # the SDK's own retries would hide the fault
        if self.name == "openai":
            return OpenAIClient("m", base_url=server.url + "/v1", **kwargs)
        self.monkeypatch.setenv("ANTHROPIC_API_KEY", "test")
        self.monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        return AnthropicClient("claude-x", **kwargs)


@pytest.fixture(params=["openai", "anthropic"])
def provider(request, monkeypatch) -> Provider:
    return Provider(request.param, monkeypatch)


async def failure(provider: Provider, responses: list[dict], **client_kwargs) -> ProviderError:
    """Run one reply against `responses`; return the ProviderError it must raise."""
    with FakeServer(responses) as server:
        client = provider.client(server, **client_kwargs)
        try:
            with pytest.raises(ProviderError) as info:
                await collect(client.stream(MESSAGES))
        finally:
            await client.close()
    return info.value


async def no_sleep(_seconds: float) -> None:
    pass


async def test_a_stream_cut_short_cleanly_is_a_retryable_error_not_an_answer(provider):
    # before: status completed with the partial answer "Hello "
    cut = 2 if provider.name == "openai" else 3  # after the first text delta
    error = await failure(provider, [provider.spec(truncate_after=cut)])
    assert error.retryable and error.reason == "truncated"


async def test_an_empty_200_is_an_error(provider):
    error = await failure(provider, [{"empty": True}])
    assert error.retryable and error.reason == "truncated"
    assert "empty" in str(error)


async def test_a_malformed_data_line_is_a_provider_error_not_a_json_decode_error(provider):
    spec = provider.spec(malformed_after=2, malformed_event=provider.malformed_event)
    error = await failure(provider, [spec])
    assert error.retryable and error.reason == "malformed"


async def test_an_error_event_mid_stream_is_retryable(provider):
    error = await failure(provider, [{"sse": [provider.events[0], provider.error_event]}])
    assert error.retryable and error.reason == "server"


async def test_a_reset_mid_stream_is_retryable_and_the_retry_succeeds(provider):
    error = await failure(provider, [provider.spec(reset_after=2)])
    assert error.retryable and error.reason == "connection"

    from reins.models.retry import stream_with_retries

    retries, shown = [], []
    with FakeServer([provider.spec(reset_after=2), provider.spec()]) as server:
        client = provider.client(server)
        stream = stream_with_retries(
            lambda: client.stream(MESSAGES),
            max_retries=2,
            on_retry=lambda attempt, error, delay: retries.append((attempt, error.reason)),
            sleep=no_sleep,
        )
        reply = await collect(stream, on_text=shown.append)
        await client.close()
    assert reply.message.content == ANSWER
    assert retries == [(1, "connection")] and len(server.requests) == 2
    assert "".join(shown).endswith(ANSWER)  # a fresh reply after the retry notice


async def test_retries_are_bounded_and_refusals_are_not_retried(provider):
    from reins.models.retry import stream_with_retries

    with FakeServer([provider.spec(truncate_after=1)] * 3) as server:
        client = provider.client(server)
        with pytest.raises(ProviderError) as info:
            await collect(
                stream_with_retries(lambda: client.stream(MESSAGES), max_retries=2, sleep=no_sleep)
            )
        await client.close()
    assert info.value.reason == "truncated" and len(server.requests) == 3

    for status, reason in ((400, "bad_request"), (401, "auth")):
        with FakeServer([{"status": status}, provider.spec()]) as server:
            client = provider.client(server)
            with pytest.raises(ProviderError) as info:
                await collect(
                    stream_with_retries(
                        lambda c=client: c.stream(MESSAGES), max_retries=3, sleep=no_sleep
                    )
                )
            await client.close()
        assert not info.value.retryable and info.value.reason == reason
        assert len(server.requests) == 1


async def test_rate_limit_retry_waits_as_long_as_retry_after_says(provider):
    from reins.models.retry import stream_with_retries

    waits = []

    async def sleep(seconds):
        waits.append(seconds)

    responses = [{"status": 429, "headers": {"retry-after": "7"}}, provider.spec()]
    with FakeServer(responses) as server:
        client = provider.client(server)
        stream = stream_with_retries(lambda: client.stream(MESSAGES), max_retries=1, sleep=sleep)
        reply = await collect(stream)
        await client.close()
    assert reply.message.content == ANSWER and waits == [7.0]


async def test_a_silent_server_hits_the_read_timeout(provider):
    start = time.monotonic()
    error = await failure(provider, [{"silent": True}], timeout_s=0.5)
    assert error.retryable and error.reason == "timeout"
    assert time.monotonic() - start < 3


async def test_a_silent_server_is_cancelled_by_an_outer_timeout(provider):
    from reins.models.retry import stream_with_retries

    # default SDK retries and timeouts: only the outer deadline (--timeout) can stop it,
    # through the retry layer the session loop uses
    with FakeServer([{"silent": True}] * 5) as server:
        client = provider.client(server, max_retries=4)
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(2):
                await collect(stream_with_retries(lambda: client.stream(MESSAGES), max_retries=4))
        elapsed = time.monotonic() - start
        await client.close()
    assert elapsed < 3


async def test_the_backoff_sleep_is_cancellable(provider):
    from reins.models.retry import stream_with_retries

    notices = []
    with FakeServer([provider.spec(reset_after=1)] * 2) as server:
        client = provider.client(server)
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(1.5):
                stream = stream_with_retries(
                    lambda: client.stream(MESSAGES),
                    max_retries=3,
                    base_delay_s=60,
                    max_delay_s=60,
                    on_retry=lambda *args: notices.append(args),
                )
                await collect(stream)
        elapsed = time.monotonic() - start
        await client.close()
    assert len(notices) == 1 and notices[0][2] >= 30  # it was in the long backoff sleep
    assert elapsed < 2.5


async def test_a_slow_stream_completes(provider):
    # 0.2 s between events; the whole reply takes longer than the 0.8 s read timeout,
    # which bounds silence between bytes, not the reply
    with FakeServer([provider.spec(delay_s=0.2)]) as server:
        client = provider.client(server, timeout_s=0.8)
        start = time.monotonic()
        reply = await collect(client.stream(MESSAGES))
        elapsed = time.monotonic() - start
        await client.close()
    assert reply.message.content == ANSWER and reply.finish_reason in ("stop", "end_turn")
    assert elapsed > 0.8


async def test_sdk_timeouts_are_bounded(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test")
    for client in (OpenAIClient("m", base_url="http://127.0.0.1:9/v1"), AnthropicClient("c")):
        timeout = client._client.timeout  # the SDK's httpx(2).Timeout; was a bare 600.0
        assert timeout.connect <= 30 and 60 <= timeout.read <= 300
        await client.close()


async def test_the_openai_key_is_never_sent_to_a_compat_url(monkeypatch):
    """A repository config can pick the compat URL: it must not receive OPENAI_API_KEY."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-user-secret")
    monkeypatch.delenv("OPENAI_COMPAT_API_KEY", raising=False)
    with FakeServer([{"sse": OPENAI_TEXT}, {"sse": OPENAI_TEXT}]) as server:
        client = OpenAIClient("m", base_url=server.url + "/v1", max_retries=0)
        await collect(client.stream(MESSAGES))
        await client.close()
        monkeypatch.setenv("OPENAI_COMPAT_API_KEY", "compat-key")
        client = OpenAIClient("m", base_url=server.url + "/v1", max_retries=0)
        await collect(client.stream(MESSAGES))
        await client.close()
    first, second = server.headers
    assert not any("sk-user-secret" in value for value in first.values())
    assert second["authorization"] == "Bearer compat-key"
