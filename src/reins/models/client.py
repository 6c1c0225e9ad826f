"""The ModelClient protocol every provider implements, and a helper to consume a stream."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from reins.models.messages import (
    Message,
    ModelReply,
    ReasoningDelta,
    ReplyDone,
    StreamEvent,
    TextDelta,
)


class ProviderError(Exception):
    """A model service failed after retries (or at once, for bad credentials)."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


class ModelClient(Protocol):
    """Streams one assistant turn. `tools` are JSON-schema tool specs for native calling;
    clients whose profile uses the text protocol receive none. `require_tool` asks for a
    tool call (native: tool_choice; text protocol: `prefill` starts the reply, where the
    client can continue a partial assistant message)."""

    model: str
    supports_native_tools: bool
    supports_prefill: bool

    def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        require_tool: bool = False,
        prefill: str | None = None,
    ) -> AsyncIterator[StreamEvent]: ...

    async def close(self) -> None: ...


async def collect(
    events: AsyncIterator[StreamEvent],
    on_text: Callable[[str], None] | None = None,
    on_reasoning: Callable[[str], None] | None = None,
) -> ModelReply:
    reply: ModelReply | None = None
    async for event in events:
        if isinstance(event, TextDelta) and on_text:
            on_text(event.text)
        elif isinstance(event, ReasoningDelta) and on_reasoning:
            on_reasoning(event.text)
        elif isinstance(event, ReplyDone):
            reply = event.reply
    if reply is None:
        raise ProviderError("the model stream ended without a reply")
    return reply
