"""anthropic:MODEL through the official SDK, with prompt-cache breakpoints on the stable prefix."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from reins.models.client import (
    DEFAULT_RETRIES,
    PendingCall,
    ProviderError,
    SDKClient,
    StreamedTurn,
    sdk_timeout,
)
from reins.models.messages import Message, StreamEvent, Usage

EPHEMERAL = {"type": "ephemeral"}


def to_anthropic(messages: list[Message]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split out the system prompt; group consecutive tool results into one user turn."""
    system: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "system":
            system.append({"type": "text", "text": m.content})
            continue
        if m.role == "tool":
            block = {"type": "tool_result", "tool_use_id": m.tool_call_id, "content": m.content}
            if out and out[-1]["role"] == "user":
                out[-1]["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
            continue
        blocks: list[dict[str, Any]] = []
        if m.content:
            blocks.append({"type": "text", "text": m.content})
        for call in m.tool_calls:
            blocks.append(
                {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}
            )
        if not blocks:
            blocks.append({"type": "text", "text": "(empty)"})
        if out and out[-1]["role"] == m.role:  # the API wants roles to alternate
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": m.role, "content": blocks})
    return system, out


def add_cache_breakpoints(
    system: list[dict[str, Any]], tools: list[dict[str, Any]], messages: list[dict[str, Any]]
) -> None:
    """Three breakpoints: end of tools, end of system, end of the newest message. Everything
    before the newest message was the previous request's prefix, so it is read from cache."""
    if tools:
        tools[-1]["cache_control"] = EPHEMERAL
    if system:
        system[-1]["cache_control"] = EPHEMERAL
    if messages:
        messages[-1]["content"][-1]["cache_control"] = EPHEMERAL


class AnthropicClient(SDKClient):
    end_marker = "message_stop"

    def __init__(
        self,
        model: str,
        max_retries: int = DEFAULT_RETRIES,
        timeout_s: float | None = None,
        max_output_tokens: int | None = None,
        temperature: float | None = None,
        connect_timeout_s: float | None = None,
        stop: list[str] | None = None,
    ):
        """`timeout_s`: the longest silence allowed between bytes of a reply (default
        READ_TIMEOUT_S); `connect_timeout_s`: default CONNECT_TIMEOUT_S. `max_retries` is
        the SDK's own retry count for the initial request (429, 5xx, 529, connect failures)."""
        import anthropic  # lazy: keeps `reins --help` fast

        if not os.environ.get("ANTHROPIC_API_KEY"):
            raise ProviderError("no Anthropic API key: set ANTHROPIC_API_KEY", reason="auth")
        self.max_output_tokens = max_output_tokens or 8192
        self.temperature = temperature
        # The profile's stop strings, as the other clients get them (a text protocol's end
        # of a block). The API refuses a sequence that is only whitespace.
        self.stop = [s for s in stop or [] if s.strip()]
        super().__init__(
            model,
            display=f"anthropic:{model}",
            key_var="ANTHROPIC_API_KEY",
            sdk=anthropic,
            client=anthropic.AsyncAnthropic(
                max_retries=max_retries,
                timeout=sdk_timeout(anthropic, timeout_s, connect_timeout_s),
            ),
        )

    def _request(
        self, messages: list[Message], tools: list[dict[str, Any]] | None, require_tool: bool
    ) -> dict[str, Any]:
        system, converted = to_anthropic(messages)
        tool_specs = [
            {"name": t["name"], "description": t["description"], "input_schema": t["parameters"]}
            for t in tools or []
        ]
        add_cache_breakpoints(system, tool_specs, converted)
        kwargs: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_output_tokens,
            "messages": converted,
            "stream": True,
        }
        if system:
            kwargs["system"] = system
        if tool_specs:
            kwargs["tools"] = tool_specs
            if require_tool:
                kwargs["tool_choice"] = {"type": "any"}
        if self.temperature is not None:
            kwargs["temperature"] = self.temperature
        if self.stop:
            kwargs["stop_sequences"] = list(self.stop)
        return kwargs

    async def _open(self, request: dict[str, Any]) -> Any:
        return await self._client.messages.create(**request)

    def _on_event(self, event: Any, turn: StreamedTurn) -> Iterator[StreamEvent]:
        kind = event.type
        if kind == "message_start":
            u = event.message.usage
            turn.usage = Usage(
                (u.input_tokens or 0)
                + (u.cache_read_input_tokens or 0)
                + (u.cache_creation_input_tokens or 0),
                u.output_tokens or 0,
                u.cache_read_input_tokens or 0,
                u.cache_creation_input_tokens or 0,
            )
        elif kind == "content_block_start":
            block = event.content_block
            if block.type == "tool_use":
                turn.calls[event.index] = PendingCall(block.id, block.name)
        elif kind == "content_block_delta":
            delta = event.delta
            if delta.type == "text_delta":
                yield turn.add_text(delta.text)
            elif delta.type == "thinking_delta":
                yield turn.add_reasoning(delta.thinking)
            elif delta.type == "input_json_delta":
                turn.calls[event.index].arguments += delta.partial_json  # KeyError: malformed
        elif kind == "message_delta":
            turn.finish = event.delta.stop_reason or turn.finish
            if event.usage and event.usage.output_tokens:
                turn.usage.output_tokens = event.usage.output_tokens
        elif kind == "message_stop":
            turn.stopped = True
