"""The OpenAI Chat Completions wire format ↔ reins' messages and replies.

Pure functions, no I/O: a request body becomes a ChatRequest (reins Messages, native tool
specs, sampling overrides), a ModelReply becomes a `chat.completion` body or a series of
`chat.completion.chunk` bodies.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from reins.models.client import parse_arguments
from reins.models.messages import Message, ModelReply, ToolCall, Usage


class RequestError(ValueError):
    """A request the server refuses (HTTP 400); `param` names the offending field."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


@dataclass
class ChatRequest:
    messages: list[Message]
    tools: list[dict[str, Any]] | None = None  # reins tool specs: {name, description, parameters}
    require_tool: bool = False
    stream: bool = False
    include_usage: bool = False
    max_tokens: int | None = None
    temperature: float | None = None
    stop: list[str] = field(default_factory=list)
    model: str | None = None  # what the client asked for (one model per server: informational)


_ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant",
          "tool": "tool", "function": "tool"}  # fmt: skip


def text_of(content: Any, where: str) -> str:
    """A message's content: a string, null, or a list of parts of which only text is taken."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif isinstance(part, dict) and part.get("type") in ("image_url", "input_image"):
                raise RequestError("images are not supported by this server", where)
            else:
                raise RequestError("a content part must be text", where)
        return "".join(texts)
    raise RequestError("content must be a string, null or a list of text parts", where)


def _tool_call(raw: Any, where: str) -> ToolCall:
    if not isinstance(raw, dict) or not isinstance(raw.get("function"), dict):
        raise RequestError("a tool call needs a `function` object", where)
    function = raw["function"]
    name = function.get("name")
    if not isinstance(name, str) or not name:
        raise RequestError("a tool call needs a function name", where)
    arguments = function.get("arguments")
    if isinstance(arguments, dict):
        args, problem, text = arguments, None, None
    else:
        text = arguments if isinstance(arguments, str) else ""
        args, problem = parse_arguments(name, text)
    call = ToolCall(name, args, parse_error=problem, raw_arguments=text if problem else None)
    if isinstance(raw.get("id"), str) and raw["id"]:
        call.id = raw["id"]
    return call


def parse_messages(raw: Any) -> list[Message]:
    if not isinstance(raw, list) or not raw:
        raise RequestError("`messages` must be a non-empty array", "messages")
    messages: list[Message] = []
    names: dict[str, str] = {}  # tool call id -> tool name, to name the tool results
    for index, item in enumerate(raw):
        where = f"messages[{index}]"
        if not isinstance(item, dict):
            raise RequestError("a message must be an object", where)
        role = _ROLES.get(item.get("role"))  # type: ignore[arg-type]
        if role is None:
            raise RequestError(f"unknown role {item.get('role')!r}", f"{where}.role")
        content = text_of(item.get("content"), f"{where}.content")
        if role == "assistant":
            calls = [_tool_call(c, f"{where}.tool_calls") for c in item.get("tool_calls") or []]
            legacy = item.get("function_call")
            if isinstance(legacy, dict) and not calls:
                calls = [_tool_call({"function": legacy}, f"{where}.function_call")]
            names.update({c.id: c.name for c in calls})
            reasoning = item.get("reasoning_content")
            messages.append(Message("assistant", content, tool_calls=calls,
                                    reasoning=reasoning if isinstance(reasoning, str) else None))  # fmt: skip
        elif role == "tool":
            call_id = item.get("tool_call_id")
            if not isinstance(call_id, str):
                call_id = str(item.get("name") or "")
            name = names.get(call_id) or str(item.get("name") or "tool")
            messages.append(Message("tool", content, tool_call_id=call_id, name=name))
        else:
            messages.append(Message(role, content))  # type: ignore[arg-type]
    return messages


def parse_tools(raw: Any) -> list[dict[str, Any]] | None:
    """OpenAI tools ({"type": "function", "function": {...}}) → reins tool specs."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise RequestError("`tools` must be an array", "tools")
    specs = []
    for index, tool in enumerate(raw):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise RequestError("a tool must be {type: function, function: {name, ...}}",
                               f"tools[{index}]")  # fmt: skip
        spec = {"name": function["name"], "description": function.get("description") or "",
                "parameters": function.get("parameters") or {"type": "object", "properties": {}}}  # fmt: skip
        specs.append(spec)
    return specs or None


def _positive_int(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RequestError(f"`{key}` must be a positive integer", key)
    return value


def parse_request(body: Any) -> ChatRequest:
    if not isinstance(body, dict):
        raise RequestError("the request body must be a JSON object")
    n = body.get("n")
    if n not in (None, 1):
        raise RequestError("only n = 1 is supported", "n")
    request = ChatRequest(parse_messages(body.get("messages")), parse_tools(body.get("tools")))
    choice = body.get("tool_choice")
    if choice == "none":
        request.tools = None
    elif choice == "required" or isinstance(choice, dict):
        request.require_tool = request.tools is not None
    request.stream = bool(body.get("stream"))
    options = body.get("stream_options")
    request.include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
    request.max_tokens = _positive_int(body, "max_completion_tokens") or _positive_int(
        body, "max_tokens"
    )
    temperature = body.get("temperature")
    if temperature is not None:
        if (
            isinstance(temperature, bool)
            or not isinstance(temperature, int | float)
            or not (0 <= temperature <= 2 and math.isfinite(temperature))
        ):
            raise RequestError("`temperature` must be a number from 0 to 2", "temperature")
        request.temperature = float(temperature)
    stop = body.get("stop")
    if isinstance(stop, str):
        stop = [stop]
    if stop is not None and (
        not isinstance(stop, list) or not all(isinstance(s, str) for s in stop)
    ):
        raise RequestError("`stop` must be a string or an array of strings", "stop")
    request.stop = [s for s in stop or [] if s]
    model = body.get("model")
    request.model = model if isinstance(model, str) else None
    return request


# --- replies -------------------------------------------------------------------------------


def finish_reason(reply: ModelReply, stopped: bool = False) -> str:
    """reins' finish reasons (the provider's, or a client's own) → OpenAI's."""
    if stopped:
        return "stop"
    if reply.message.tool_calls:
        return "tool_calls"
    reason = (reply.finish_reason or "").lower()
    if reason in ("length", "max_tokens", "model_length"):
        return "length"
    if reason == "content_filter":
        return "content_filter"
    return "stop"


def usage_body(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.input_tokens + usage.output_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_input_tokens},
    }


def tool_calls_body(calls: list[ToolCall]) -> list[dict[str, Any]]:
    """A reply's calls as OpenAI tool calls; a call that did not parse keeps its raw text."""
    return [
        {
            "id": call.id,
            "type": "function",
            "function": {
                "name": call.name,
                "arguments": call.raw_arguments
                if call.parse_error and call.raw_arguments is not None
                else json.dumps(call.arguments, ensure_ascii=False),
            },
        }
        for call in calls
    ]


def completion_body(
    reply: ModelReply, *, completion_id: str, created: int, model: str, text: str,
    stopped: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """A `chat.completion`; `text` is the reply's text after any stop sequence was applied."""
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    calls = [] if stopped else reply.message.tool_calls
    if calls:
        message["tool_calls"] = tool_calls_body(calls)
    if reply.message.reasoning:
        message["reasoning_content"] = reply.message.reasoning
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": finish_reason(reply, stopped),
            }  # fmt: skip
        ],
        "usage": usage_body(reply.usage),
    }


def chunk_body(
    *, completion_id: str, created: int, model: str, delta: dict[str, Any] | None = None,
    finish: str | None = None, usage: Usage | None = None, include_usage: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """One `chat.completion.chunk`. With `usage`, the usage chunk (no choices), as OpenAI
    sends it last when stream_options.include_usage is set."""
    body: dict[str, Any] = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": []
        if usage is not None
        else [{"index": 0, "delta": delta or {}, "logprobs": None, "finish_reason": finish}],
    }
    if include_usage or usage is not None:
        body["usage"] = usage_body(usage) if usage is not None else None
    return body


def tool_call_deltas(calls: list[ToolCall]) -> list[dict[str, Any]]:
    """Each call whole, in one delta entry (index, id, type, name and all its arguments)."""
    return [{"index": index, **call} for index, call in enumerate(tool_calls_body(calls))]


class StopScanner:
    """Applies stop sequences to streamed text: `feed` returns what may be shown now (text
    that could still begin a stop sequence is held back) and whether a stop was hit; after
    a stop, everything else is dropped."""

    def __init__(self, stops: list[str]):
        self.stops = [s for s in stops if s]
        self.hold = max((len(s) for s in self.stops), default=1) - 1
        self.buffer = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        if self.stopped:
            return ""
        if not self.stops:
            return text
        self.buffer += text
        hits = [i for i in (self.buffer.find(s) for s in self.stops) if i >= 0]
        if hits:
            out, self.buffer, self.stopped = self.buffer[: min(hits)], "", True
            return out
        cut = max(0, len(self.buffer) - self.hold)
        out, self.buffer = self.buffer[:cut], self.buffer[cut:]
        return out

    def flush(self) -> str:
        out, self.buffer = ("" if self.stopped else self.buffer), ""
        return out


def apply_stops(text: str, stops: list[str]) -> tuple[str, bool]:
    scanner = StopScanner(stops)
    out = scanner.feed(text) + scanner.flush()
    return out, scanner.stopped
