"""Provider-neutral conversation types shared by every client, the loop and the log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from reins.store.sanitize import preview

Role = Literal["system", "user", "assistant", "tool"]


# Deeper arguments are refused: no tool takes them, and recursive code (json, pydantic,
# the log) would hit Python's recursion limit on them.
MAX_DEPTH = 64
MAX_RAW_CHARS = 20_000  # of a malformed call's text kept for the log


def new_call_id() -> str:
    return "call_" + uuid.uuid4().hex[:16]


def nesting_depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply lists and dicts nest in value, counted without recursion up to limit + 1."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


@dataclass
class ToolCall:
    name: str
    arguments: dict[str, Any]
    id: str = field(default_factory=new_call_id)
    # Set when the model's call could not be parsed; the executor answers InvalidArguments.
    parse_error: str | None = None
    # The model's text for a call that could not be parsed (arguments are then {}).
    raw_arguments: str | None = None

    def __post_init__(self) -> None:
        if self.raw_arguments is not None and len(self.raw_arguments) > MAX_RAW_CHARS:
            self.raw_arguments = self.raw_arguments[:MAX_RAW_CHARS] + "…[truncated]"
        if self.parse_error is None and nesting_depth(self.arguments) > MAX_DEPTH:
            self.parse_error = (
                f"arguments for {self.name} are nested more than {MAX_DEPTH} levels deep; "
                "no tool takes that"
            )
            self.raw_arguments = self.raw_arguments or "(too deeply nested to keep)"
            self.arguments = {}


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
        """Every field that is set, tool calls as dicts. Arguments deeper than MAX_DEPTH
        (only possible if they were changed after the call was built) become a placeholder,
        so the rest of the message can always be stored."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "tool_calls":
                value = [_call_dict(c) for c in value]
            if value not in (None, [], "") or f.name == "content":
                data[f.name] = value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        calls = [ToolCall(**c) for c in data.get("tool_calls") or []]
        fields_ = {k: v for k, v in data.items() if k != "tool_calls"}
        return cls(**fields_, tool_calls=calls)

    @classmethod
    def from_record(cls, role: str, content: str, record: dict[str, Any] | None) -> Message:
        """A logged message; one that does not decode (an unknown field, a bad type, a row
        written by another version) falls back to its role and content."""
        try:
            if record is None:
                raise ValueError("no record")
            calls = [
                ToolCall(**{k: v for k, v in c.items() if k in _CALL_FIELDS})
                for c in record.get("tool_calls") or []
            ]
            kept = {k: v for k, v in record.items() if k in _MESSAGE_FIELDS and k != "tool_calls"}
            return cls(**kept, tool_calls=calls)
        except (ValueError, TypeError, AttributeError, RecursionError):
            return cls(role, content if isinstance(content, str) else str(content))  # type: ignore[arg-type]


def _call_dict(call: ToolCall) -> dict[str, Any]:
    data = {f.name: getattr(call, f.name) for f in fields(call)}
    if nesting_depth(call.arguments) > MAX_DEPTH:
        data["arguments"] = {
            "_unstorable": f"not logged: the arguments nest deeper than {MAX_DEPTH} levels",
            "_preview": preview(call.arguments),
        }
    return {k: v for k, v in data.items() if v is not None}


_MESSAGE_FIELDS = {f.name for f in fields(Message)}
_CALL_FIELDS = {f.name for f in fields(ToolCall)}


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
    # The embedded model's greedy replies: (character offset in the text, the token the
    # model liked second there, its logit margin below the token written), per token.
    alternatives: list[tuple[int, str, float]] = field(default_factory=list)


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
