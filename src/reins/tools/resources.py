"""A session's tool resources: created by the tool that needs one, on first use, by name;
closed together, newest first, when the session ends.

    terminals = ctx.resources.get("terminals", TerminalManager)

The runtime never names them: `await resources.close()` closes whatever was created
(terminals, language servers, the code index, ...), in reverse order of creation, so a
resource made from another (the index's embedder thread) closes before it. A close that
fails is logged and the others still run. `close()` may be sync or async; async ones are
shielded, so a caller that stops waiting does not leave one half closed.

Thread-safe: tools that run off the event loop (codebase_search) create resources too.
Two calls asking for the same name at once get the one object; creating one resource never
blocks asking for another.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger("reins.tools")

T = TypeVar("T")


class ResourcesClosed(RuntimeError):
    """A tool asked for a resource after the session closed its resources."""


class Resources:
    def __init__(self) -> None:
        self._items: dict[str, Any] = {}  # insertion order is creation order
        self._creating: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._closed = False

    def get(self, name: str, factory: Callable[[], T]) -> T:
        """The resource called `name`, made with `factory()` the first time it is asked for."""
        with self._lock:
            if name in self._items:
                return self._items[name]
            self._refuse_if_closed(name)
            creating = self._creating.setdefault(name, threading.Lock())
        with creating:  # only askers of this name wait while it is made
            with self._lock:
                if name in self._items:
                    return self._items[name]
            value = factory()
            with self._lock:
                if self._closed:  # closed while it was being made: nobody will close it
                    self._creating.pop(name, None)
                    _close_now(name, value)
                    self._refuse_if_closed(name)
                self._items[name] = value
                self._creating.pop(name, None)
            return value

    def peek(self, name: str) -> Any | None:
        """The resource if it was created, else None (never creates it)."""
        with self._lock:
            return self._items.get(name)

    def put(self, name: str, value: Any) -> None:
        """Install `value` under `name` (a test's stand-in, a resource made elsewhere). It
        counts as created now; a value it replaces is not closed (its owner closes it)."""
        with self._lock:
            self._refuse_if_closed(name)
            self._items.pop(name, None)
            self._items[name] = value

    def names(self) -> list[str]:
        """Created resources, oldest first."""
        with self._lock:
            return list(self._items)

    @property
    def closed(self) -> bool:
        return self._closed

    async def close_one(self, name: str) -> BaseException | None:
        """Close one resource and forget it (a later get() makes a new one)."""
        with self._lock:
            value = self._items.pop(name, None)
        if value is None:
            return None
        return await _close(name, value)

    async def close(self) -> dict[str, BaseException]:
        """Close every resource, newest first; returns the ones whose close failed. Later
        calls do nothing; asking for a resource afterwards raises ResourcesClosed."""
        with self._lock:
            self._closed = True
            items = list(self._items.items())
            self._items.clear()
        failed: dict[str, BaseException] = {}
        for name, value in reversed(items):
            error = await _close(name, value)
            if error is not None:
                failed[name] = error
        return failed

    def _refuse_if_closed(self, name: str) -> None:
        if self._closed:
            raise ResourcesClosed(f"the session's tools are closed; cannot open {name!r}")


def _closer(value: Any) -> Callable[[], Any] | None:
    for attribute in ("aclose", "close"):
        method = getattr(value, attribute, None)
        if callable(method):
            return method
    return None


async def _close(name: str, value: Any) -> BaseException | None:
    closer = _closer(value)
    if closer is None:
        return None
    try:
        result = closer()
        if inspect.isawaitable(result):
            await asyncio.shield(asyncio.ensure_future(result))
    except asyncio.CancelledError:
        raise
    except Exception as error:  # one failing close must not keep the others open
        log.warning("closing %s failed: %s: %s", name, type(error).__name__, error)
        return error
    return None


def _close_now(name: str, value: Any) -> None:
    """Close a resource made after close(), from whatever thread made it (sync closes only;
    an async one is left to process exit)."""
    closer = _closer(value)
    if closer is None:
        return
    try:
        result = closer()
        if inspect.iscoroutine(result):
            result.close()
    except Exception as error:
        log.warning("closing %s failed: %s: %s", name, type(error).__name__, error)
