"""Provider-neutral conversation types shared by every client, the loop and the log."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]


def new_call_id() -> str:
    return "call_" + uuid.uuid4().hex[:16]


@dataclass
class ToolCall:
    name: str
    arguments: dict[str, Any]
    id: str = field(default_factory=new_call_id)
    # Set when the model's call could not be parsed; the executor answers InvalidArguments.
    parse_error: str | None = None


@dataclass
class Message:
    role: Role
    content: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str | None = None  # role == "tool": which call this answers
    name: str | None = None  # role == "tool": the tool's name
    reasoning: str | None = None  # model reasoning, kept apart from the answer
    # Assistant text exactly as generated (text protocol): re-rendered verbatim so a local
    # model's KV cache matches the previous turn token for token.
    raw: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: v for k, v in data.items() if v not in (None, [], "") or k == "content"}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        calls = [ToolCall(**c) for c in data.get("tool_calls") or []]
        fields = {k: v for k, v in data.items() if k != "tool_calls"}
        return cls(**fields, tool_calls=calls)


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0  # prompt tokens served from a cache (provider or local KV)
    cache_write_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cached_input_tokens + other.cached_input_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )


@dataclass
class ModelReply:
    message: Message
    usage: Usage
    model: str
    finish_reason: str | None = None
    # Local models: prompt tokens actually evaluated, and timings for tokens/s.
    stats: dict[str, float] = field(default_factory=dict)


@dataclass
class TextDelta:
    text: str


@dataclass
class ReasoningDelta:
    text: str


@dataclass
class ReplyDone:
    reply: ModelReply


StreamEvent = TextDelta | ReasoningDelta | ReplyDone
