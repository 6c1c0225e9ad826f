"""openai:MODEL and openai-compat:BASE_URL#MODEL through the official SDK (Chat Completions)."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from typing import Any

from reins.models.client import (
    DEFAULT_RETRIES,
    ProviderError,
    SDKClient,
    StreamedTurn,
    sdk_timeout,
)
from reins.models.messages import Message, StreamEvent, Usage
from reins.models.served_model import served_card


def to_openai_messages(messages: list[Message]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "tool":
            out.append({"role": "tool", "tool_call_id": m.tool_call_id, "content": m.content})
        elif m.role == "assistant":
            entry: dict[str, Any] = {"role": "assistant", "content": m.content or None}
            if m.tool_calls:
                entry["tool_calls"] = [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                    }
                    for c in m.tool_calls
                ]
            out.append(entry)
        else:
            out.append({"role": m.role, "content": m.content})
    return out


def to_openai_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": "function", "function": t} for t in tools]


class OpenAIClient(SDKClient):
    end_marker = "a finish_reason"

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        max_retries: int = DEFAULT_RETRIES,
        timeout_s: float | None = None,
        max_output_tokens: int | None = None,
        temperature: float | None = None,
        connect_timeout_s: float | None = None,
        stop: list[str] | None = None,
    ):
        """`timeout_s`: the longest silence allowed between bytes of a reply (default
        READ_TIMEOUT_S); `connect_timeout_s`: default CONNECT_TIMEOUT_S. `max_retries` is
        the SDK's own retry count for the initial request (429, 5xx, connect failures)."""
        import openai  # lazy: keeps `reins --help` fast

        if base_url is None:
            key = os.environ.get("OPENAI_API_KEY")
            if not key:
                raise ProviderError(
                    "no OpenAI API key: set OPENAI_API_KEY (or use openai-compat:URL#MODEL "
                    "for a local server)",
                    reason="auth",
                )
        else:
            # Only the compat variable: the URL may come from a repository's config, so
            # falling back to OPENAI_API_KEY would hand the user's OpenAI key to any server.
            key = os.environ.get("OPENAI_COMPAT_API_KEY") or "none"
        self.base_url = base_url
        self.max_output_tokens = max_output_tokens
        self.temperature = temperature
        # The profile's stop strings (a text protocol's end of a call): sent as the local
        # model gets them, so a served small model also writes one block per reply. The
        # API takes at most four.
        self.stop = [s for s in stop or [] if s][:4]
        # The SDK retries the initial request (408/409/429/5xx, connection errors) with
        # backoff and honours Retry-After; failures after the stream has started are not
        # retried by it (see reins.models.retry). We classify what is left.
        super().__init__(
            model,
            display=f"openai-compat:{model}" if base_url else f"openai:{model}",
            key_var="OPENAI_COMPAT_API_KEY" if base_url else "OPENAI_API_KEY",
            sdk=openai,
            client=openai.AsyncOpenAI(
                api_key=key,
                base_url=base_url,
                max_retries=max_retries,
                timeout=sdk_timeout(openai, timeout_s, connect_timeout_s),
            ),
        )

    def _request(
        self, messages: list[Message], tools: list[dict[str, Any]] | None, require_tool: bool
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": to_openai_messages(messages),
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if tools:
            kwargs["tools"] = to_openai_tools(tools)
            kwargs["parallel_tool_calls"] = True
            if require_tool:
                kwargs["tool_choice"] = "required"
        if self.max_output_tokens:
            kwargs[self._output_cap_key()] = self.max_output_tokens
        if self.temperature is not None:
            kwargs["temperature"] = self.temperature
        if self.stop:
            kwargs["stop"] = list(self.stop)
        return kwargs

    @functools.cached_property
    def supports_prefill(self) -> bool:  # type: ignore[override]
        """A compatible server that says it continues a last assistant message (`reins
        serve` does: its card's `reins.prefill`). Asked at the first call, once."""
        if not self.base_url:
            return False
        reins = served_card(self.base_url, self.model).get("reins")
        return isinstance(reins, dict) and reins.get("prefill") is True

    def _with_prefill(self, request: dict[str, Any], prefill: str) -> dict[str, Any]:
        messages = [*request["messages"], {"role": "assistant", "content": prefill}]
        return {**request, "messages": messages}

    def _output_cap_key(self) -> str:
        # OpenAI's reasoning models only take max_completion_tokens; compatible servers
        # (vLLM, llama.cpp, Ollama) know max_tokens.
        return "max_tokens" if self.base_url else "max_completion_tokens"

    async def _open(self, request: dict[str, Any]) -> Any:
        return await self._client.chat.completions.create(**request)

    def _on_event(self, event: Any, turn: StreamedTurn) -> Iterator[StreamEvent]:
        if event.usage:
            turn.usage = self._usage(event.usage)
        for choice in event.choices:
            delta = choice.delta
            turn.finish = choice.finish_reason or turn.finish
            thought = getattr(delta, "reasoning_content", None) or (
                (delta.model_extra or {}).get("reasoning") if delta.model_extra else None
            )
            if thought:
                yield turn.add_reasoning(thought)
            if delta.content:
                yield turn.add_text(delta.content)
            for tc in delta.tool_calls or []:
                call = turn.call(tc.index)
                if tc.id:
                    call.id = tc.id
                if tc.function and tc.function.name:
                    call.name += tc.function.name
                if tc.function and tc.function.arguments:
                    call.arguments += tc.function.arguments

    @staticmethod
    def _usage(raw: Any) -> Usage:
        details = getattr(raw, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", 0) or 0 if details else 0
        return Usage(raw.prompt_tokens or 0, raw.completion_tokens or 0, cached)
