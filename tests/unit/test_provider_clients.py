"""OpenAI and Anthropic clients against a local fake server (real SDKs, real HTTP)."""

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
    assert len(server.requests) == 2


async def test_bad_credentials_fail_at_once_naming_the_variable(monkeypatch):
    with FakeServer([{"status": 401}] * 3) as server:
        client = OpenAIClient("m", base_url=server.url + "/v1", max_retries=3)
        with pytest.raises(ProviderError, match="OPENAI_COMPAT_API_KEY") as info:
            await collect(client.stream([Message("user", "hi")]))
        await client.close()
    assert not info.value.retryable and len(server.requests) == 1


def test_missing_keys_say_which_variable_to_set(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ProviderError, match="set OPENAI_API_KEY"):
        OpenAIClient("gpt-5")
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
