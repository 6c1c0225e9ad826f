"""The ModelClient protocol every provider implements, a helper to consume a stream, and
what the SDK-backed clients (OpenAI, Anthropic) share: error mapping, the stream's
lifecycle, and assembling the reply (text, reasoning, tool calls) from its events."""

from __future__ import annotations

import email.utils
import importlib
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

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

DEFAULT_RETRIES = 4  # the SDKs' own retries of the initial request

# Machine-readable `ProviderError.reason` values:
#   auth        bad or missing credentials (not retryable)
#   bad_request the service refused the request: 4xx other than auth/429 (not retryable)
#   rate_limit  HTTP 429 (retryable; `retry_after_s` set when the service said how long)
#   server      HTTP 5xx, or an error event inside a stream (retryable)
#   connection  the connection failed, was reset or closed mid-reply (retryable)
#   truncated   the stream ended cleanly before the reply was complete, or was empty (retryable)
#   malformed   the service sent something that is not a valid event (retryable)
#   timeout     no byte for longer than the read timeout, or the connect timed out (retryable)
#   unknown     anything else (e.g. a local model failing)
REASONS = (
    "auth", "bad_request", "rate_limit", "server", "connection",
    "truncated", "malformed", "timeout", "unknown",
)  # fmt: skip


def reason_for_status(status: int | None) -> str:
    if status is None:
        return "unknown"
    if status in (401, 403):
        return "auth"
    if status == 429:
        return "rate_limit"
    if status == 408:
        return "timeout"
    if status >= 500:
        return "server"
    if status >= 400:
        return "bad_request"
    return "server"  # a 2xx carrying an error event


class ProviderError(Exception):
    """A model service failed (after the SDK's own retries of the initial request, or at
    once for bad credentials). `retryable`: trying again may help; `reason`: one of REASONS;
    `status`: the HTTP status when there was one; `retry_after_s`: the wait the service asked
    for (Retry-After), if any."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        status: int | None = None,
        reason: str | None = None,
        retry_after_s: float | None = None,
    ):
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.reason = reason or reason_for_status(status)
        self.retry_after_s = retry_after_s

    def __repr__(self) -> str:
        return (
            f"ProviderError({str(self)!r}, retryable={self.retryable}, status={self.status}, "
            f"reason={self.reason!r})"
        )


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date)."""
    if not headers:
        return None
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return max(0.0, float(ms) / 1000)
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


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
        temperature: float | None = None,  # this call only; None: the client's own
        max_tokens: int | None = None,  # this call only, within the client's own cap
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
        raise ProviderError(
            "the model stream ended without a reply", retryable=True, reason="truncated"
        )
    return reply


# SDK timeouts: the connect must succeed quickly; `read` is the longest silence allowed
# between two bytes of a reply (a streaming reply sends bytes steadily, so a few minutes is
# generous even for a slow reasoning model; the old 600 s x retries hid dead servers).
CONNECT_TIMEOUT_S = 15.0
READ_TIMEOUT_S = 180.0
WRITE_TIMEOUT_S = 60.0


def sdk_timeout(sdk: Any, read_s: float | None = None, connect_s: float | None = None) -> Any:
    """The Timeout the `openai`/`anthropic` SDK client is built with (`sdk.Timeout` is the
    SDK's own httpx/httpx2 Timeout class)."""
    read = READ_TIMEOUT_S if read_s is None else read_s
    connect = CONNECT_TIMEOUT_S if connect_s is None else connect_s
    return sdk.Timeout(connect=connect, read=read, write=WRITE_TIMEOUT_S, pool=connect)


def _http_modules() -> list[Any]:
    """The HTTP libraries the SDKs may be built on (httpx; newer releases use httpx2)."""
    modules = []
    for name in ("httpx2", "httpx"):
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            pass
    return modules


def stream_errors(sdk: Any) -> tuple[type[BaseException], ...]:
    """What calling an SDK and reading its stream can raise (all mapped by
    to_provider_error): the SDK's APIError family, httpx transport errors (not wrapped by
    the SDK during iteration), OSError, the SSE decoder's JSONDecodeError/UnicodeDecodeError
    (ValueError), and events of an unexpected shape (AttributeError etc.). Cancellation is
    a BaseException and always passes through."""
    http = tuple(module.HTTPError for module in _http_modules())
    return (
        sdk.APIError, *http, OSError, ValueError,
        AttributeError, TypeError, KeyError, IndexError,
    )  # fmt: skip


async def close_quietly(stream: Any) -> None:
    """Close an SDK stream (releasing its connection) without masking the error in flight."""
    try:
        await stream.close()
    except Exception:  # noqa: BLE001 - best effort; the original error matters more
        pass


def _error_type(body: Any) -> str:
    """The `type`/`code` of an error event's body ({"error": {...}} or the inner dict)."""
    if isinstance(body, Mapping):
        inner = body.get("error")
        if isinstance(inner, Mapping):
            body = inner
        for key in ("type", "code"):
            value = body.get(key)
            if isinstance(value, str):
                return value
    return ""


def _reason_for_event_error(kind: str) -> tuple[str, bool]:
    """An error event inside a stream that started with HTTP 200: (reason, retryable)."""
    kind = kind.lower()
    if "auth" in kind or "permission" in kind:
        return "auth", False
    if "rate_limit" in kind:
        return "rate_limit", True
    if "invalid_request" in kind or "not_found" in kind or "too_large" in kind:
        return "bad_request", False
    return "server", True  # overloaded_error, api_error, server_error, unknown


def to_provider_error(
    error: BaseException, *, sdk: Any, display: str, key_var: str, endpoint: str = "",
    retries: int = 0,
) -> ProviderError:  # fmt: skip
    """Map anything an SDK call or the iteration of its stream raised to a ProviderError.
    `sdk` is the `openai` or `anthropic` module (their exception classes share names).
    Errors raised while iterating a stream are not always wrapped by the SDKs: httpx
    transport errors (some SDK releases) and the decoder's JSONDecodeError (all of them)
    arrive as they are, so they are mapped here."""
    http = _http_modules()
    if isinstance(error, ProviderError):
        return error
    name = type(error).__name__
    if isinstance(error, sdk.AuthenticationError):
        return ProviderError(
            f"{display}: authentication failed ({error.status_code}); check {key_var}",
            status=error.status_code,
            reason="auth",
        )
    if isinstance(error, sdk.APIStatusError):
        status = error.status_code
        if status < 400:  # an error event inside a stream that began with 200
            reason, retryable = _reason_for_event_error(_error_type(error.body))
            return ProviderError(
                f"{display}: the service reported an error mid-reply: {error.message}",
                retryable=retryable,
                reason=reason,
            )
        retryable = status in (408, 409, 429) or status >= 500
        reason = "server" if status == 409 else reason_for_status(status)
        return ProviderError(
            f"{display}: HTTP {status}: {error.message}",
            retryable=retryable,
            status=status,
            reason=reason,
            retry_after_s=parse_retry_after(error.response.headers),
        )
    if isinstance(error, sdk.APITimeoutError):
        return ProviderError(f"{display}: request timed out", retryable=True, reason="timeout")
    if isinstance(error, sdk.APIConnectionError):
        cause = error.__cause__
        detail = f" ({type(cause).__name__}: {cause})" if cause else ""
        where = f" to {endpoint}" if endpoint else ""
        tries = f" after {retries} retries" if retries else ""
        return ProviderError(
            f"{display}: connection{where} failed{tries}{detail}; is the server running and "
            "the URL right?",
            retryable=True,
            reason="connection",
        )
    if isinstance(error, sdk.APIResponseValidationError):
        return ProviderError(
            f"{display}: malformed response: {error}", retryable=True, reason="malformed"
        )
    if isinstance(error, sdk.APIError):  # an error event in the stream (OpenAI)
        reason, retryable = _reason_for_event_error(_error_type(error.body))
        return ProviderError(
            f"{display}: the service reported an error mid-reply: {error.message}",
            retryable=retryable,
            reason=reason,
        )
    if isinstance(error, tuple(module.TimeoutException for module in http)):
        return ProviderError(
            f"{display}: no data from the service within the read timeout ({name})",
            retryable=True,
            reason="timeout",
        )
    if isinstance(error, tuple(module.HTTPError for module in http)):  # ReadError, ...
        return ProviderError(
            f"{display}: connection lost mid-reply ({name}: {error or 'no detail'})",
            retryable=True,
            reason="connection",
        )
    if isinstance(error, OSError):
        return ProviderError(
            f"{display}: connection lost mid-reply ({name}: {error})",
            retryable=True,
            reason="connection",
        )
    # JSONDecodeError / UnicodeDecodeError from the SSE decoder, or an event whose shape
    # is not what the API documents (AttributeError etc. while reading it).
    return ProviderError(
        f"{display}: malformed stream event ({name}: {error})",
        retryable=True,
        reason="malformed",
    )


# --- what the SDK-backed clients share ---------------------------------------------------


def parse_arguments(name: str, text: str) -> tuple[dict[str, Any], str | None]:
    """A streamed tool call's JSON arguments → (arguments, problem); `problem` says why they
    could not be read (the executor then answers InvalidArguments)."""
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        return {}, f"arguments for {name} are not valid JSON ({error.msg} at char {error.pos})"
    except RecursionError:
        return {}, f"arguments for {name} are nested more than {MAX_DEPTH} levels deep"
    if not isinstance(value, dict):
        return {}, f"arguments for {name} must be a JSON object"
    return value, None


@dataclass
class PendingCall:
    """A tool call as a stream delivers it: id and name, then its arguments' JSON in pieces."""

    id: str = ""
    name: str = ""
    arguments: str = ""

    def finish(self) -> ToolCall:
        args, problem = parse_arguments(self.name, self.arguments)
        raw = self.arguments if problem else None
        call = ToolCall(self.name, args, parse_error=problem, raw_arguments=raw)
        if self.id:  # else the call keeps the id it was made with
            call.id = self.id
        return call


@dataclass
class StreamedTurn:
    """What the events of one streamed reply have delivered so far."""

    started: float = field(default_factory=time.perf_counter)
    text: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    calls: dict[int, PendingCall] = field(default_factory=dict)  # by the stream's index
    usage: Usage = field(default_factory=Usage)
    finish: str | None = None  # the finish/stop reason the service gave
    stopped: bool = False  # an explicit end-of-message event (Anthropic's message_stop)
    events: int = 0

    def add_text(self, text: str) -> TextDelta:
        self.text.append(text)
        return TextDelta(text)

    def add_reasoning(self, text: str) -> ReasoningDelta:
        self.reasoning.append(text)
        return ReasoningDelta(text)

    def call(self, index: int) -> PendingCall:
        return self.calls.setdefault(index, PendingCall())

    @property
    def complete(self) -> bool:
        return self.finish is not None or self.stopped

    def reply(self, display: str) -> ModelReply:
        calls = [self.calls[index].finish() for index in sorted(self.calls)]
        message = Message(
            "assistant",
            "".join(self.text),
            tool_calls=calls,
            reasoning="".join(self.reasoning) or None,
        )
        stats = {"latency_s": time.perf_counter() - self.started}
        return ModelReply(message, self.usage, display, self.finish, stats)


class SDKClient:
    """The stream of an official SDK (`openai`, `anthropic`), consumed the same way for both:
    open it, read its events (a subclass turns each into deltas on a StreamedTurn), map
    whatever the SDK or the transport raises to a ProviderError, always release the
    connection, refuse a reply that ended before the service said it was complete, and
    assemble the ModelReply. A subclass builds the request and reads the events."""

    supports_native_tools = True
    supports_prefill = False
    # what a complete stream ends with, for the error when it is missing
    end_marker: ClassVar[str] = "an end-of-reply event"

    def __init__(self, model: str, *, display: str, key_var: str, sdk: Any, client: Any):
        """`display` names the model in replies and errors (e.g. "openai:gpt-5"); `key_var`
        is the variable an authentication error tells the user to check; `sdk` is the SDK
        module (its exception classes), `client` the SDK's async client."""
        self.model = model
        self.display = display
        self.key_var = key_var
        self._sdk = sdk
        self._errors = stream_errors(sdk)
        self._client = client

    def _request(
        self, messages: list[Message], tools: list[dict[str, Any]] | None, require_tool: bool
    ) -> dict[str, Any]:
        """The keyword arguments of the SDK call that opens the stream. Built outside the
        error mapping: a request reins cannot build is a bug, not a provider failure."""
        raise NotImplementedError

    async def _open(self, request: dict[str, Any]) -> Any:
        """Start the request; the SDK's stream of events."""
        raise NotImplementedError

    def _on_event(self, event: Any, turn: StreamedTurn) -> Iterator[StreamEvent]:
        """Record one SDK event on `turn`; yield the deltas it carries."""
        raise NotImplementedError

    def _output_cap_key(self) -> str:
        """The request field that caps a reply's tokens."""
        return "max_tokens"

    def _with_prefill(self, request: dict[str, Any], prefill: str) -> dict[str, Any]:
        """The request asking the service to continue `prefill` (clients that set
        supports_prefill)."""
        raise NotImplementedError

    async def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        require_tool: bool = False,
        prefill: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncIterator[StreamEvent]:
        request = self._request(messages, tools, require_tool)
        prefill = prefill if prefill and self.supports_prefill else None
        if prefill:
            request = self._with_prefill(request, prefill)
        if temperature is not None:
            request["temperature"] = temperature
        if max_tokens is not None:
            key = self._output_cap_key()
            request[key] = min(request.get(key) or max_tokens, max_tokens)
        turn = StreamedTurn()
        if prefill:  # the reply starts with it; the service sends what follows
            yield turn.add_text(prefill)
        response = None
        try:
            response = await self._open(request)
            async for event in response:
                turn.events += 1
                for delta in self._on_event(event, turn):
                    yield delta
        except self._errors as error:
            raise to_provider_error(
                error, sdk=self._sdk, display=self.display, key_var=self.key_var,
                endpoint=str(getattr(self._client, "base_url", "") or ""),
                retries=getattr(self._client, "max_retries", 0),
            ) from error  # fmt: skip
        finally:
            if response is not None:
                await close_quietly(response)  # release the connection, also when cancelled
        if not turn.complete:
            # A clean end of the body without the end marker: the server or a proxy cut the
            # reply short (or sent nothing at all). Never pass it off as a complete answer.
            what = (
                "the service sent an empty reply (no events)"
                if turn.events == 0
                else f"the stream ended after {turn.events} events without {self.end_marker}"
            )
            raise ProviderError(f"{self.display}: {what}", retryable=True, reason="truncated")
        yield ReplyDone(turn.reply(self.display))

    async def close(self) -> None:
        await self._client.close()
