"""anthropic:MODEL through the official SDK, with prompt-cache breakpoints on the stable prefix."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from typing import Any

from reins.models.client import (
    ProviderError,
    close_quietly,
    sdk_timeout,
    stream_errors,
    to_provider_error,
)
from reins.models.messages import (
    Message,
    ModelReply,
    ReasoningDelta,
    ReplyDone,
    StreamEvent,
    TextDelta,
    ToolCall,
    Usage,
)
from reins.models.openai_client import DEFAULT_RETRIES, parse_arguments

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


class AnthropicClient:
    supports_native_tools = True
    supports_prefill = False

    def __init__(
        self,
        model: str,
        max_retries: int = DEFAULT_RETRIES,
        timeout_s: float | None = None,
        max_output_tokens: int | None = None,
        temperature: float | None = None,
        connect_timeout_s: float | None = None,
    ):
        """`timeout_s`: the longest silence allowed between bytes of a reply (default
        READ_TIMEOUT_S); `connect_timeout_s`: default CONNECT_TIMEOUT_S. `max_retries` is
        the SDK's own retry count for the initial request (429, 5xx, 529, connect failures)."""
        import anthropic  # lazy: keeps `reins --help` fast

        if not os.environ.get("ANTHROPIC_API_KEY"):
            raise ProviderError("no Anthropic API key: set ANTHROPIC_API_KEY", reason="auth")
        self.model = model
        self.display = f"anthropic:{model}"
        self.max_output_tokens = max_output_tokens or 8192
        self.temperature = temperature
        self._sdk = anthropic
        self._errors = stream_errors(anthropic)
        self._client = anthropic.AsyncAnthropic(
            max_retries=max_retries, timeout=sdk_timeout(anthropic, timeout_s, connect_timeout_s)
        )

    async def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        require_tool: bool = False,
        prefill: str | None = None,
    ) -> AsyncIterator[StreamEvent]:
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
        start = time.perf_counter()
        text: list[str] = []
        reasoning: list[str] = []
        blocks: dict[int, dict[str, Any]] = {}
        usage = Usage()
        finish = None
        stopped = False
        count = 0
        events = None
        try:
            events = await self._client.messages.create(**kwargs)
            async for event in events:
                count += 1
                kind = event.type
                if kind == "message_start":
                    u = event.message.usage
                    usage = Usage(
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
                        blocks[event.index] = {"id": block.id, "name": block.name, "json": ""}
                elif kind == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta":
                        text.append(delta.text)
                        yield TextDelta(delta.text)
                    elif delta.type == "thinking_delta":
                        reasoning.append(delta.thinking)
                        yield ReasoningDelta(delta.thinking)
                    elif delta.type == "input_json_delta":
                        blocks[event.index]["json"] += delta.partial_json
                elif kind == "message_delta":
                    finish = event.delta.stop_reason or finish
                    if event.usage and event.usage.output_tokens:
                        usage.output_tokens = event.usage.output_tokens
                elif kind == "message_stop":
                    stopped = True
        except self._errors as error:
            raise to_provider_error(
                error, sdk=self._sdk, display=self.display, key_var="ANTHROPIC_API_KEY"
            ) from error
        finally:
            if events is not None:
                await close_quietly(events)  # release the connection, also when cancelled
        if finish is None and not stopped:
            # A clean end of the body without message_stop or a stop_reason: the reply was
            # cut short (or never sent). Never pass it off as a complete answer.
            what = (
                "the service sent an empty reply (no events)"
                if count == 0
                else f"the stream ended after {count} events without message_stop"
            )
            raise ProviderError(f"{self.display}: {what}", retryable=True, reason="truncated")
        calls = []
        for index in sorted(blocks):
            block = blocks[index]
            args, problem = parse_arguments(block["name"], block["json"])
            raw = block["json"] if problem else None
            calls.append(
                ToolCall(
                    block["name"], args, id=block["id"], parse_error=problem, raw_arguments=raw
                )
            )
        message = Message(
            "assistant", "".join(text), tool_calls=calls, reasoning="".join(reasoning) or None
        )
        stats = {"latency_s": time.perf_counter() - start}
        yield ReplyDone(ModelReply(message, usage, self.display, finish, stats))

    async def close(self) -> None:
        await self._client.close()
