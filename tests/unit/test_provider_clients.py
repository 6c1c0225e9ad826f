"""OpenAI and Anthropic clients against a local fake server (real SDKs, real HTTP), and the
mid-stream retry layer (reins.models.retry) on scripted streams. The fault suite proper
(truncation, resets, malformed lines, silence) is tests/security/test_provider_faults.py."""

import asyncio
import time

import pytest

from reins.models.anthropic_client import AnthropicClient
from reins.models.client import ProviderError, collect
from reins.models.messages import Message, ToolCall
from reins.models.openai_client import OpenAIClient
from tests.fake_server import FakeServer

TOOLS = [
    {
        "name": "read_file",
        "description": "read",
        "parameters": {"type": "object", "properties": {"path": {"type": "string"}}},
    }
]


def chunk(delta=None, finish=None, usage=None):
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    data = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "m",
        "choices": choices,
    }
    if usage:
        data["usage"] = usage
    return data


OPENAI_STREAM = [
    chunk({"role": "assistant", "content": "Reading "}),
    chunk({"content": "both."}),
    chunk(
        {
            "tool_calls": [
                {
                    "index": 0,
                    "id": "call_a",
                    "type": "function",
                    "function": {"name": "read_file", "arguments": '{"pa'},
                }
            ]
        }
    ),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": 'th": "a.py"}'}}]}),
    chunk(
        {
            "tool_calls": [
                {
                    "index": 1,
                    "id": "call_b",
                    "type": "function",
                    "function": {"name": "read_file", "arguments": '{"path": "b.py"'},
                }
            ]
        }
    ),
    chunk({}, finish="tool_calls"),
    chunk(
        usage={
            "prompt_tokens": 100,
            "completion_tokens": 20,
            "total_tokens": 120,
            "prompt_tokens_details": {"cached_tokens": 64},
        }
    ),
    "[DONE]",
]


async def test_openai_compat_streams_text_parallel_tool_calls_and_cached_usage():
    with FakeServer([{"sse": OPENAI_STREAM}]) as server:
        client = OpenAIClient(
            "qwen", base_url=server.url + "/v1", max_retries=0, max_output_tokens=77
        )
        deltas = []
        history = [Message("user", "hi"), Message("assistant", "", tool_calls=[ToolCall("x", {}, id="old")]),
                   Message("tool", "res", tool_call_id="old", name="x")]  # fmt: skip
        reply = await collect(client.stream(history, TOOLS), on_text=deltas.append)
        await client.close()
    assert "".join(deltas) == "Reading both." == reply.message.content
    calls = reply.message.tool_calls
    assert [(c.id, c.arguments) for c in calls[:1]] == [("call_a", {"path": "a.py"})]
    assert calls[1].parse_error and "not valid JSON" in calls[1].parse_error  # truncated JSON
    assert (
        reply.usage.input_tokens,
        reply.usage.output_tokens,
        reply.usage.cached_input_tokens,
    ) == (100, 20, 64)
    sent = server.requests[0]
    assert sent["tools"][0]["function"]["name"] == "read_file" and sent["stream"] is True
    assert sent["max_tokens"] == 77
    assert sent["messages"][1]["tool_calls"][0]["id"] == "old"
    assert sent["messages"][2] == {"role": "tool", "tool_call_id": "old", "content": "res"}


async def test_openai_retries_429_honouring_retry_after():
    responses = [{"status": 429, "headers": {"retry-after": "1"}}, {"sse": OPENAI_STREAM}]
    with FakeServer(responses) as server:
        client = OpenAIClient("m", base_url=server.url + "/v1", max_retries=2)
        reply = await collect(client.stream([Message("user", "hi")]))
        await client.close()
    assert reply.message.content == "Reading both."
    assert server.times[1] - server.times[0] >= 0.9


async def test_openai_persistent_5xx_becomes_retryable_provider_error():
    with FakeServer([{"status": 503}] * 3) as server:
        client = OpenAIClient("m", base_url=server.url + "/v1", max_retries=1)
        with pytest.raises(ProviderError) as info:
            await collect(client.stream([Message("user", "hi")]))
        await client.close()
    assert info.value.retryable and info.value.status == 503
    assert info.value.reason == "server"
    assert len(server.requests) == 2


async def test_bad_credentials_fail_at_once_naming_the_variable(monkeypatch):
    with FakeServer([{"status": 401}] * 3) as server:
        client = OpenAIClient("m", base_url=server.url + "/v1", max_retries=3)
        with pytest.raises(ProviderError, match="OPENAI_COMPAT_API_KEY") as info:
            await collect(client.stream([Message("user", "hi")]))
        await client.close()
    assert not info.value.retryable and len(server.requests) == 1
    assert info.value.reason == "auth"


def test_missing_keys_say_which_variable_to_set(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ProviderError, match="set OPENAI_API_KEY") as info:
        OpenAIClient("gpt-5")
    assert info.value.reason == "auth"
    with pytest.raises(ProviderError, match="set ANTHROPIC_API_KEY"):
        AnthropicClient("claude-x")


ANTHROPIC_STREAM = [
    ("message_start", {"type": "message_start", "message": {"id": "m", "type": "message", "role": "assistant", "model": "claude-x", "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1, "cache_read_input_tokens": 900, "cache_creation_input_tokens": 50}}}),
    ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Let me read."}}),
    ("content_block_stop", {"type": "content_block_stop", "index": 0}),
    ("content_block_start", {"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "read_file", "input": {}}}),
    ("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": '{"path": '}}),
    ("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": '"a.py"}'}}),
    ("content_block_stop", {"type": "content_block_stop", "index": 1}),
    ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None}, "usage": {"output_tokens": 30}}),
    ("message_stop", {"type": "message_stop"}),
]  # fmt: skip


async def test_anthropic_tool_use_cache_breakpoints_and_cache_usage(monkeypatch):
    with FakeServer([{"sse": ANTHROPIC_STREAM}]) as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        client = AnthropicClient("claude-x", max_retries=0)
        history = [
            Message("system", "sys"), Message("user", "go"),
            Message("assistant", "", tool_calls=[ToolCall("read_file", {"path": "x"}, id="toolu_0")]),
            Message("tool", "r1", tool_call_id="toolu_0"),
        ]  # fmt: skip
        reply = await collect(client.stream(history, TOOLS, require_tool=True))
        await client.close()
    assert reply.message.content == "Let me read."
    assert [(c.id, c.arguments) for c in reply.message.tool_calls] == [
        ("toolu_1", {"path": "a.py"})
    ]
    assert (reply.usage.cached_input_tokens, reply.usage.cache_write_tokens) == (900, 50)
    assert reply.usage.input_tokens == 960 and reply.usage.output_tokens == 30
    sent = server.requests[0]
    assert sent["system"][-1]["cache_control"] == {"type": "ephemeral"}
    assert sent["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert sent["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    assert sent["messages"][-1]["content"][0]["type"] == "tool_result"
    assert sent["tool_choice"] == {"type": "any"}


async def test_anthropic_gets_the_profiles_stop_strings_the_api_accepts(monkeypatch):
    """As a compatible server does: a text protocol's reply ends after one block. The API
    refuses a whitespace-only sequence, so that one is left out rather than failing the call."""
    from reins.models.factory import create_client
    from reins.models.spec import ModelSpec

    with FakeServer([{"sse": ANTHROPIC_STREAM}, {"sse": ANTHROPIC_STREAM}]) as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        for stop in (["\n```\n", "\n\n"], None):
            client = create_client(ModelSpec.parse("anthropic:claude-x"), max_retries=0, stop=stop)
            await collect(client.stream([Message("user", "hi")]))
            await client.close()
    assert server.requests[0]["stop_sequences"] == ["\n```\n"]
    assert "stop_sequences" not in server.requests[1]


def test_provider_error_keeps_its_old_constructor_and_derives_a_reason():
    plain = ProviderError("boom")
    assert (plain.retryable, plain.status, plain.reason, plain.retry_after_s) == (
        False, None, "unknown", None,
    )  # fmt: skip
    assert ProviderError("x", retryable=True, status=429).reason == "rate_limit"
    assert ProviderError("x", status=401).reason == "auth"
    assert ProviderError("x", status=404).reason == "bad_request"
    assert ProviderError("x", status=502).reason == "server"
    assert ProviderError("x", status=502, reason="connection").reason == "connection"
    assert str(ProviderError("message")) == "message"


def test_retry_after_headers_are_parsed():
    from reins.models.client import parse_retry_after

    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None
    http_date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 <= parse_retry_after({"retry-after": http_date}) <= 31


# --- stream_with_retries on scripted streams ---------------------------------------------


def scripted(attempts):
    """start_stream for stream_with_retries: attempt i yields attempts[i]'s items in order,
    raising any that is an exception."""
    calls = []

    def start():
        items = attempts[len(calls)]
        calls.append(items)

        async def stream():
            for item in items:
                if isinstance(item, BaseException):
                    raise item
                yield item

        return stream()

    return start, calls


def done(text="ok"):
    from reins.models.messages import ModelReply, ReplyDone, Usage

    return ReplyDone(ModelReply(Message("assistant", text), Usage(), "m", "stop"))


def reset():
    return ProviderError("connection lost", retryable=True, reason="connection")


async def test_stream_with_retries_restarts_after_a_retryable_error_and_reports_it():
    from reins.models.messages import TextDelta
    from reins.models.retry import stream_with_retries

    start, calls = scripted([[TextDelta("par"), reset()], [TextDelta("full"), done("full")]])
    notices, waits = [], []

    async def on_retry(attempt, error, delay):  # a coroutine function is awaited
        notices.append((attempt, error.reason, delay))

    async def sleep(seconds):
        waits.append(seconds)

    events = [
        e
        async for e in stream_with_retries(
            start, max_retries=3, on_retry=on_retry, sleep=sleep, base_delay_s=2, max_delay_s=5
        )
    ]
    texts = [e.text for e in events if isinstance(e, TextDelta)]
    assert texts == ["par", "full"]  # not taken back: the caller sees a fresh reply start
    assert events[-1].reply.message.content == "full" and len(calls) == 2
    assert [n[:2] for n in notices] == [(1, "connection")]
    assert waits == [notices[0][2]] and 1 <= waits[0] <= 2  # jittered first backoff


async def test_stream_with_retries_gives_up_after_max_retries_with_growing_capped_delays():
    from reins.models.retry import stream_with_retries

    start, calls = scripted([[reset()]] * 6)
    notices = []

    async def sleep(_):
        pass

    with pytest.raises(ProviderError, match="connection lost"):
        async for _ in stream_with_retries(
            start, max_retries=5, sleep=sleep, base_delay_s=1, max_delay_s=4,
            on_retry=lambda attempt, error, delay: notices.append((attempt, delay)),
        ):  # fmt: skip
            pass
    assert len(calls) == 6 and [a for a, _ in notices] == [1, 2, 3, 4, 5]
    assert all(0.5 <= d <= min(4, 2 ** (a - 1)) for a, d in notices)


async def test_stream_with_retries_does_not_retry_refusals_or_completed_replies():
    from reins.models.retry import stream_with_retries

    for attempts in (
        [[ProviderError("bad key", status=401)], [done()]],
        [[ProviderError("client-side", retryable=False)], [done()]],
        [[done(), reset()], [done()]],  # the reply was complete before the error
    ):
        start, calls = scripted(attempts)
        with pytest.raises(ProviderError):
            async for _ in stream_with_retries(start, max_retries=3):
                pass
        assert len(calls) == 1
    start, calls = scripted([[ValueError("a bug, not a provider failure")], [done()]])
    with pytest.raises(ValueError):
        async for _ in stream_with_retries(start, max_retries=3):
            pass
    assert len(calls) == 1


async def test_stream_with_retries_honours_retry_after_and_should_retry():
    from reins.models.retry import MAX_RETRY_AFTER_S, stream_with_retries

    waits = []

    async def sleep(seconds):
        waits.append(seconds)

    limited = ProviderError("429", retryable=True, status=429, retry_after_s=12.0)
    forever = ProviderError("429", retryable=True, status=429, retry_after_s=3600.0)
    start, _ = scripted([[limited], [forever], [done()]])
    async for _ in stream_with_retries(start, max_retries=3, sleep=sleep, max_delay_s=5):
        pass
    assert waits == [12.0, MAX_RETRY_AFTER_S]

    start, calls = scripted([[limited], [done()]])
    with pytest.raises(ProviderError):
        async for _ in stream_with_retries(
            start, max_retries=3, sleep=sleep, should_retry=lambda e: e.status != 429
        ):
            pass
    assert len(calls) == 1


async def test_stream_with_retries_is_cancellable_and_closes_the_stream():
    from reins.models.messages import TextDelta
    from reins.models.retry import stream_with_retries

    closed = []

    def start():
        async def stream():
            try:
                yield TextDelta("a")
                await asyncio.sleep(60)  # a silent server
                yield done()
            finally:
                closed.append(True)

        return stream()

    begin = time.monotonic()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            async for _ in stream_with_retries(start, max_retries=3):
                pass
    assert time.monotonic() - begin < 1 and closed == [True]

    # ...and during the backoff sleep (real asyncio.sleep)
    start2, calls = scripted([[reset()], [done()]])
    begin = time.monotonic()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            async for _ in stream_with_retries(start2, max_retries=3, base_delay_s=60):
                pass
    assert time.monotonic() - begin < 1 and len(calls) == 1

    # a consumer that stops early closes the attempt's stream
    closed.clear()
    stream = stream_with_retries(start, max_retries=3)
    assert isinstance(await stream.__anext__(), TextDelta)
    await stream.aclose()
    assert closed == [True]


# --- what both SDK clients assemble from a stream: pinned before they shared the code ---------


async def _reply_events(client, tools=None):
    events = [event async for event in client.stream([Message("user", "hi")], tools)]
    await client.close()
    return events


async def test_openai_reasoning_finish_reason_and_call_ids_from_the_stream():
    from reins.models.messages import ReasoningDelta, ReplyDone, TextDelta

    stream = [
        chunk({"role": "assistant", "reasoning_content": "Think. "}),
        chunk({"reasoning": "More."}),  # the field some compatible servers use
        chunk({"content": "Ok."}),
        chunk({"tool_calls": [{"index": 0, "type": "function",
                               "function": {"name": "read_", "arguments": ""}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"name": "file", "arguments": "[1]"}}]}),
        chunk({}, finish="tool_calls"),
        "[DONE]",
    ]  # fmt: skip
    with FakeServer([{"sse": stream}]) as server:
        client = OpenAIClient("m", base_url=server.url + "/v1", max_retries=0)
        events = await _reply_events(client, TOOLS)
    assert [type(e) for e in events] == [ReasoningDelta, ReasoningDelta, TextDelta, ReplyDone]
    reply = events[-1].reply
    assert (reply.model, reply.finish_reason) == ("openai-compat:m", "tool_calls")
    assert reply.message.reasoning == "Think. More." and reply.message.content == "Ok."
    [call] = reply.message.tool_calls
    assert (call.name, call.arguments, call.raw_arguments) == ("read_file", {}, "[1]")
    assert call.parse_error == "arguments for read_file must be a JSON object"
    assert call.id  # the server sent none: the call still gets one
    assert reply.stats["latency_s"] >= 0 and reply.usage.input_tokens == 0


async def test_anthropic_thinking_stop_reason_and_a_bad_tool_input(monkeypatch):
    from reins.models.messages import ReasoningDelta, ReplyDone, TextDelta

    stream = [
        ANTHROPIC_STREAM[0],
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "", "signature": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Hmm."}}),
        ("content_block_start", {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Go."}}),
        ("content_block_start", {"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "toolu_9", "name": "read_file", "input": {}}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": '{"path": '}}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "max_tokens", "stop_sequence": None}, "usage": {"output_tokens": 7}}),
    ]  # fmt: skip
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test")
    with FakeServer([{"sse": stream}, {"sse": stream[:-1] + [("message_stop", {"type": "message_stop"})]}]) as server:  # fmt: skip
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        events = await _reply_events(AnthropicClient("claude-x", max_retries=0), TOOLS)
        # message_stop without a stop_reason is a complete reply too
        stopped = await _reply_events(AnthropicClient("claude-x", max_retries=0), TOOLS)
    assert [type(e) for e in events] == [ReasoningDelta, TextDelta, ReplyDone]
    reply = events[-1].reply
    assert (reply.model, reply.finish_reason) == ("anthropic:claude-x", "max_tokens")
    assert (reply.message.reasoning, reply.message.content) == ("Hmm.", "Go.")
    assert reply.usage.output_tokens == 7
    [call] = reply.message.tool_calls
    assert (call.id, call.name, call.arguments, call.raw_arguments) == (
        "toolu_9",
        "read_file",
        {},
        '{"path": ',
    )
    assert "not valid JSON" in call.parse_error
    assert stopped[-1].reply.finish_reason is None
    assert stopped[-1].reply.message.tool_calls[0].id == "toolu_9"


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_a_cut_stream_names_what_was_missing_and_a_bad_event_shape_is_malformed(
    provider, monkeypatch
):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test")
    if provider == "openai":
        cut = {"sse": OPENAI_STREAM[:2]}
        # a choice without its delta
        bad = {"sse": [{**chunk(), "choices": [{"index": 0, "finish_reason": None}]}]}
        expected = "openai-compat:m: the stream ended after 2 events without a finish_reason"
    else:
        cut = {"sse": ANTHROPIC_STREAM[:3]}
        # arguments for a block that never started
        bad = {"sse": [ANTHROPIC_STREAM[0], ANTHROPIC_STREAM[5]]}
        expected = "anthropic:claude-x: the stream ended after 3 events without message_stop"
    with FakeServer([cut, bad]) as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        errors = []
        for _ in range(2):
            if provider == "openai":
                client = OpenAIClient("m", base_url=server.url + "/v1", max_retries=0)
            else:
                client = AnthropicClient("claude-x", max_retries=0)
            with pytest.raises(ProviderError) as info:
                await _reply_events(client)
            await client.close()
            errors.append(info.value)
    assert str(errors[0]) == expected and errors[0].reason == "truncated"
    assert errors[1].reason == "malformed" and errors[1].retryable


async def test_an_unreachable_server_is_named_with_its_url_and_the_retries(monkeypatch):
    import socket

    monkeypatch.setenv("OPENAI_COMPAT_API_KEY", "k")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = OpenAIClient("m", base_url=f"http://127.0.0.1:{port}/v1", max_retries=1)
    with pytest.raises(ProviderError) as info:
        await collect(client.stream([Message("user", "hi")]))
    text = str(info.value)
    assert f"127.0.0.1:{port}/v1" in text and "after 1 retries" in text
    assert info.value.reason == "connection"


async def test_a_call_can_ask_for_a_shorter_reply_than_the_clients_cap_never_a_longer_one():
    """A hook's short reply (the self-check's examples) caps that call only."""
    stream = [chunk({"role": "assistant", "content": "ok"}, finish="stop"), "[DONE]"]
    with FakeServer([{"sse": stream}, {"sse": stream}, {"sse": stream}]) as server:
        client = OpenAIClient(
            "qwen", base_url=server.url + "/v1", max_retries=0, max_output_tokens=77
        )
        for cap in (20, 500, None):
            await collect(client.stream([Message("user", "hi")], max_tokens=cap))
        await client.close()
    assert [sent["max_tokens"] for sent in server.requests] == [20, 77, 77]


async def test_a_per_call_cap_to_openai_itself_is_sent_as_max_completion_tokens(monkeypatch):
    """api.openai.com's reasoning models refuse max_tokens; compatible servers want it."""
    stream = [chunk({"role": "assistant", "content": "ok"}, finish="stop"), "[DONE]"]
    with FakeServer([{"sse": stream}]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/v1")  # the SDK's own default
        monkeypatch.setenv("OPENAI_API_KEY", "k")
        client = OpenAIClient("o4-mini", max_retries=0)
        await collect(client.stream([Message("user", "hi")], max_tokens=30))
        await client.close()
    sent = server.requests[0]
    assert sent["max_completion_tokens"] == 30 and "max_tokens" not in sent


async def test_a_served_model_gets_the_profiles_stop_strings(tmp_path):
    """A text-protocol profile's stop ends a reply after one block on a compatible server
    too (llama.cpp, vLLM, Ollama, `reins serve`), as it does in process."""
    from reins.agent.builder import resolve_model
    from reins.config import Config

    stream = [chunk({"role": "assistant", "content": "ok"}, finish="stop"), "[DONE]"]
    with FakeServer([{"sse": stream}, {"sse": stream}]) as server:
        for model in ("qwen2.5-coder-1.5b-instruct", "gpt-4o"):
            _, profile, client = resolve_model(Config(), f"openai-compat:{server.url}/v1#{model}")
            await collect(client.stream([Message("user", "hi")]))
            await client.close()
    assert server.requests[0]["stop"] == ["\n```\n"]  # qwen-files
    assert "stop" not in server.requests[1]  # a native-protocol profile has none
