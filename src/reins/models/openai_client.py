"""openai:MODEL and openai-compat:BASE_URL#MODEL through the official SDK (Chat Completions)."""

from __future__ import annotations

import json
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
    MAX_DEPTH,
    Message,
    ModelReply,
    ReasoningDelta,
    ReplyDone,
    StreamEvent,
    TextDelta,
    ToolCall,
    Usage,
)

DEFAULT_RETRIES = 4


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


def parse_arguments(name: str, text: str) -> tuple[dict[str, Any], str | None]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        return {}, f"arguments for {name} are not valid JSON ({error.msg} at char {error.pos})"
    except RecursionError:
        return {}, f"arguments for {name} are nested more than {MAX_DEPTH} levels deep"
    if not isinstance(value, dict):
        return {}, f"arguments for {name} must be a JSON object"
    return value, None


class OpenAIClient:
    supports_native_tools = True
    supports_prefill = False

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        max_retries: int = DEFAULT_RETRIES,
        timeout_s: float | None = None,
        max_output_tokens: int | None = None,
        temperature: float | None = None,
        connect_timeout_s: float | None = None,
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
        self.model = model
        self.base_url = base_url
        self.display = f"openai-compat:{model}" if base_url else f"openai:{model}"
        self.key_var = "OPENAI_COMPAT_API_KEY" if base_url else "OPENAI_API_KEY"
        self.max_output_tokens = max_output_tokens
        self.temperature = temperature
        # The SDK retries the initial request (408/409/429/5xx, connection errors) with
        # backoff and honours Retry-After; failures after the stream has started are not
        # retried by it (see reins.models.retry). We classify what is left.
        self._sdk = openai
        self._errors = stream_errors(openai)
        self._client = openai.AsyncOpenAI(
            api_key=key,
            base_url=base_url,
            max_retries=max_retries,
            timeout=sdk_timeout(openai, timeout_s, connect_timeout_s),
        )

    async def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        require_tool: bool = False,
        prefill: str | None = None,
    ) -> AsyncIterator[StreamEvent]:
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
            # OpenAI's reasoning models only take max_completion_tokens; compatible servers
            # (vLLM, llama.cpp, Ollama) know max_tokens.
            key = "max_tokens" if self.base_url else "max_completion_tokens"
            kwargs[key] = self.max_output_tokens
        if self.temperature is not None:
            kwargs["temperature"] = self.temperature
        start = time.perf_counter()
        text: list[str] = []
        reasoning: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        usage = Usage()
        finish: str | None = None
        chunks = 0
        response = None
        try:
            response = await self._client.chat.completions.create(**kwargs)
            async for chunk in response:
                chunks += 1
                if chunk.usage:
                    usage = self._usage(chunk.usage)
                for choice in chunk.choices:
                    delta = choice.delta
                    finish = choice.finish_reason or finish
                    thought = getattr(delta, "reasoning_content", None) or (
                        (delta.model_extra or {}).get("reasoning") if delta.model_extra else None
                    )
                    if thought:
                        reasoning.append(thought)
                        yield ReasoningDelta(thought)
                    if delta.content:
                        text.append(delta.content)
                        yield TextDelta(delta.content)
                    for tc in delta.tool_calls or []:
                        slot = calls.setdefault(tc.index, {"id": "", "name": "", "arguments": ""})
                        if tc.id:
                            slot["id"] = tc.id
                        if tc.function and tc.function.name:
                            slot["name"] += tc.function.name
                        if tc.function and tc.function.arguments:
                            slot["arguments"] += tc.function.arguments
        except self._errors as error:
            raise to_provider_error(
                error, sdk=self._sdk, display=self.display, key_var=self.key_var
            ) from error
        finally:
            if response is not None:
                await close_quietly(response)  # release the connection, also when cancelled
        if finish is None:
            # A clean end of the body without finish_reason: the server or a proxy cut the
            # reply short (or sent nothing at all). Never pass it off as a complete answer.
            what = (
                "the service sent an empty reply (no events)"
                if chunks == 0
                else f"the stream ended after {chunks} events without a finish_reason"
            )
            raise ProviderError(f"{self.display}: {what}", retryable=True, reason="truncated")
        tool_calls = []
        for index in sorted(calls):
            slot = calls[index]
            args, problem = parse_arguments(slot["name"], slot["arguments"])
            raw = slot["arguments"] if problem else None
            call = ToolCall(slot["name"], args, parse_error=problem, raw_arguments=raw)
            if slot["id"]:
                call.id = slot["id"]
            tool_calls.append(call)
        message = Message(
            "assistant", "".join(text), tool_calls=tool_calls, reasoning="".join(reasoning) or None
        )
        stats = {"latency_s": time.perf_counter() - start}
        yield ReplyDone(ModelReply(message, usage, self.display, finish, stats))

    @staticmethod
    def _usage(raw: Any) -> Usage:
        details = getattr(raw, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", 0) or 0 if details else 0
        return Usage(raw.prompt_tokens or 0, raw.completion_tokens or 0, cached)

    async def close(self) -> None:
        await self._client.close()
