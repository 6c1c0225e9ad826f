"""reins serve's wire format: OpenAI Chat Completions requests → reins messages, replies →
completion and chunk bodies, stop sequences, errors."""

import json

import pytest

from reins.models.client import ProviderError
from reins.models.messages import Message, ModelReply, ToolCall, Usage
from reins.serve.app import error_body
from reins.serve.convert import (
    RequestError,
    StopScanner,
    apply_stops,
    chunk_body,
    completion_body,
    finish_reason,
    parse_request,
    tool_call_deltas,
)

TOOL = {"type": "function", "function": {"name": "bash", "description": "run",
        "parameters": {"type": "object", "properties": {"command": {"type": "string"}}}}}  # fmt: skip


def test_messages_of_every_role_with_a_tool_round_trip():
    request = parse_request({
        "model": "m",
        "messages": [
            {"role": "developer", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "list "}, {"type": "text", "text": "files"}]},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "bash", "arguments": '{"command": "ls"}'}},
                {"id": "c2", "type": "function", "function": {"name": "bash", "arguments": "{not json"}},
            ]},
            {"role": "tool", "tool_call_id": "c1", "content": "a.py"},
            {"role": "tool", "tool_call_id": "c2", "content": "error"},
        ],
        "tools": [TOOL],
    })  # fmt: skip
    roles = [m.role for m in request.messages]
    assert roles == ["system", "user", "assistant", "tool", "tool"]
    assert request.messages[1].content == "list files"
    first, second = request.messages[2].tool_calls
    assert (first.id, first.name, first.arguments) == ("c1", "bash", {"command": "ls"})
    assert second.parse_error and second.raw_arguments == "{not json"
    assert request.messages[3].name == "bash" and request.messages[3].tool_call_id == "c1"
    assert request.tools == [{"name": "bash", "description": "run",
                              "parameters": TOOL["function"]["parameters"]}]  # fmt: skip
    assert request.model == "m" and not request.stream and not request.require_tool


def test_sampling_options_and_tool_choice():
    base = {"messages": [{"role": "user", "content": "hi"}], "tools": [TOOL]}
    request = parse_request({**base, "max_tokens": 7, "temperature": 0, "stop": "END",
                             "stream": True, "stream_options": {"include_usage": True},
                             "tool_choice": "required"})  # fmt: skip
    assert (request.max_tokens, request.temperature, request.stop) == (7, 0.0, ["END"])
    assert request.stream and request.include_usage and request.require_tool
    assert parse_request({**base, "max_completion_tokens": 9}).max_tokens == 9
    assert parse_request({**base, "tool_choice": "none"}).tools is None
    assert parse_request({**base, "stop": ["a", ""]}).stop == ["a"]


@pytest.mark.parametrize(
    "body, param",
    [
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": 3}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]},
         "messages[0].content"),
        ({"messages": [{"role": "user", "content": "x"}], "max_tokens": 0}, "max_tokens"),
        ({"messages": [{"role": "user", "content": "x"}], "temperature": 5}, "temperature"),
        ({"messages": [{"role": "user", "content": "x"}], "stop": [1]}, "stop"),
        ({"messages": [{"role": "user", "content": "x"}], "n": 2}, "n"),
        ({"messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function"}]},
         "tools[0]"),
    ],
)  # fmt: skip
def test_bad_requests_name_the_field(body, param):
    with pytest.raises(RequestError) as caught:
        parse_request(body)
    assert caught.value.param == param
    status, error = error_body(caught.value)
    assert status == 400 and error["error"]["type"] == "invalid_request_error"


def reply(content="", calls=(), finish="stop"):
    message = Message("assistant", content, tool_calls=list(calls), reasoning="thinking")
    return ModelReply(message, Usage(10, 5, 4), "m", finish)


def test_completion_body_with_tool_calls_and_usage():
    calls = [ToolCall("bash", {"command": "ls"}, id="c1"),
             ToolCall("bash", {}, id="c2", parse_error="bad", raw_arguments="{oops")]  # fmt: skip
    body = completion_body(reply("ok", calls, "tool_calls"), completion_id="x", created=1,
                           model="m", text="ok")  # fmt: skip
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] == "ok"
    assert choice["message"]["reasoning_content"] == "thinking"
    args = [c["function"]["arguments"] for c in choice["message"]["tool_calls"]]
    assert json.loads(args[0]) == {"command": "ls"} and args[1] == "{oops"
    assert body["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                             "prompt_tokens_details": {"cached_tokens": 4}}  # fmt: skip
    deltas = tool_call_deltas(calls)
    assert [d["index"] for d in deltas] == [0, 1] and deltas[0]["id"] == "c1"


def test_finish_reasons_map_to_openai_names():
    assert finish_reason(reply(finish="length")) == "length"
    assert finish_reason(reply(finish="max_tokens")) == "length"
    assert finish_reason(reply(finish="script_exhausted")) == "stop"
    assert finish_reason(reply(finish=None)) == "stop"
    assert finish_reason(reply(calls=[ToolCall("x", {})], finish="stop")) == "tool_calls"
    assert finish_reason(reply(finish="length"), stopped=True) == "stop"


def test_chunks_and_the_usage_chunk():
    ids = {"completion_id": "x", "created": 1, "model": "m"}
    chunk = chunk_body(**ids, delta={"content": "a"}, include_usage=True)
    assert chunk["choices"][0]["delta"] == {"content": "a"} and chunk["usage"] is None
    assert "usage" not in chunk_body(**ids, delta={"content": "a"})
    last = chunk_body(**ids, usage=Usage(3, 2))
    assert last["choices"] == [] and last["usage"]["total_tokens"] == 5


def test_stop_scanner_holds_back_a_possible_stop_across_deltas():
    scanner = StopScanner(["STOP"])
    shown = [scanner.feed(t) for t in ["hello S", "T", "OP and more", "ignored"]]
    assert "".join(shown) + scanner.flush() == "hello "
    assert scanner.stopped
    scanner = StopScanner(["STOP"])
    assert "".join(scanner.feed(t) for t in ["a S", "TO", "P?"]) == "a "
    plain = StopScanner(["XYZ"])
    assert plain.feed("abc XY") + plain.feed("!") + plain.flush() == "abc XY!"
    assert apply_stops("one\ntwo\n", ["\n"]) == ("one", True)
    assert apply_stops("one", []) == ("one", False)


def test_provider_errors_become_statuses():
    assert error_body(ProviderError("x", reason="rate_limit"))[0] == 429
    assert error_body(ProviderError("x", reason="bad_request"))[0] == 400
    assert error_body(ProviderError("x", reason="connection"))[0] == 502
    status, body = error_body(ProviderError("no longer fits the context window (4096)"))
    assert status == 400 and body["error"]["code"] == "context_length_exceeded"
