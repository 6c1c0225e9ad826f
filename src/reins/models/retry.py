"""Retry a model reply whose stream failed part-way.

The SDKs retry the *initial* request (429, 5xx, connect failures), but not a stream that
breaks after it started: a connection reset, a body that ends without finish_reason /
message_stop, a malformed event, a read timeout. The clients turn all of those into a
`ProviderError(retryable=True)`; this module starts the reply again.

Usage (the session loop)::

    from reins.models.retry import stream_with_retries

    def on_retry(attempt: int, error: ProviderError, delay_s: float) -> None:
        events.notice(f"connection lost mid-reply ({error.reason}); "
                      f"retrying in {delay_s:.0f} s ({attempt}/{max_retries})")
        # ...and forget any text shown so far: the reply starts over.

    stream = stream_with_retries(
        lambda: model.stream(messages, tools, require_tool=require_tool, prefill=prefill),
        max_retries=config.max_retries,
        on_retry=on_retry,
    )
    async for event in stream:   # TextDelta / ReasoningDelta / ReplyDone, as from model.stream
        ...

Semantics:

* `start_stream()` is called once per attempt and must return a fresh async iterator
  (call `model.stream(...)` again; a generator cannot be restarted).
* Events are re-yielded as they arrive. Events already yielded by a failed attempt are
  NOT taken back: after `on_retry` the caller sees a fresh reply start from its first
  delta, so it must discard the partial text it showed or kept (only the `ReplyDone` of
  the attempt that succeeds carries the reply).
* Only a `ProviderError` with `retryable=True` (and, if given, `should_retry(error)`) is
  retried, at most `max_retries` times; anything else propagates at once, and so does the
  last error when the retries are used up. An error after the stream already yielded a
  `ReplyDone` is never retried (the reply was complete).
* Before each retry: `on_retry(attempt, error, delay_s)` (attempt counts from 1; it may be
  a plain function or a coroutine function), then `await sleep(delay_s)`. The delay is
  exponential backoff with full jitter, `uniform(base/2, min(max, base * 2**(attempt-1)))`;
  when the error carries `retry_after_s` (the service's Retry-After), that is used instead,
  capped at MAX_RETRY_AFTER_S.
* Cancellable at every await (reading the stream, `on_retry`, the backoff sleep): an outer
  `asyncio.timeout(...)` or task cancellation stops it promptly, and the attempt's stream
  is closed (`aclose`) on the way out.
"""

from __future__ import annotations

import asyncio
import inspect
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from reins.models.client import ProviderError
from reins.models.messages import ReplyDone

T = TypeVar("T")

MAX_RETRY_AFTER_S = 60.0  # a longer Retry-After is clamped (a --timeout still applies)

OnRetry = Callable[[int, ProviderError, float], Any]


def backoff_delay(
    attempt: int,
    error: ProviderError | None = None,
    *,
    base_delay_s: float = 1.0,
    max_delay_s: float = 30.0,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry number `attempt` (1-based)."""
    after = getattr(error, "retry_after_s", None)
    if after is not None and after >= 0:
        return min(float(after), MAX_RETRY_AFTER_S)
    ceiling = min(max_delay_s, base_delay_s * 2 ** max(0, attempt - 1))
    floor = min(base_delay_s / 2, ceiling)
    return floor + (ceiling - floor) * rng()


async def stream_with_retries(
    start_stream: Callable[[], AsyncIterator[T]],
    *,
    max_retries: int,
    on_retry: OnRetry | None = None,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    base_delay_s: float = 1.0,
    max_delay_s: float = 30.0,
    should_retry: Callable[[ProviderError], bool] | None = None,
) -> AsyncIterator[T]:
    """Yield the events of `start_stream()`, starting it again after a retryable
    ProviderError (see the module docstring)."""
    attempt = 0
    while True:
        stream = start_stream()
        done = False
        failure: ProviderError | None = None
        try:
            async for event in stream:
                if isinstance(event, ReplyDone):
                    done = True
                yield event
        except ProviderError as error:
            wanted = error.retryable and (should_retry is None or should_retry(error))
            if done or not wanted or attempt >= max_retries:
                raise
            failure = error
        finally:
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()
        if failure is None:
            return
        attempt += 1
        delay = backoff_delay(attempt, failure, base_delay_s=base_delay_s, max_delay_s=max_delay_s)
        if on_retry is not None:
            result = on_retry(attempt, failure, delay)
            if inspect.isawaitable(result):
                await result
        await sleep(delay)
