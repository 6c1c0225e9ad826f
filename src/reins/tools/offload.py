"""Run a blocking tool body off the event loop, in a daemon thread.

Not asyncio.to_thread: its ThreadPoolExecutor threads are joined at interpreter exit, so one
call stuck in the kernel (a read that never returns) would keep `reins run` alive past its
--timeout and through SIGTERM. A daemon thread is abandoned at exit instead, and cancelling
the await returns at once (the thread finishes, or not, on its own; its result is dropped).
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def off_loop(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in a new daemon thread; its result or exception comes back."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def settle(ok: bool, value: Any) -> None:
        if future.done():  # cancelled: nobody wants it any more
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def body() -> None:
        try:
            outcome = (True, context.run(fn, *args, **kwargs))
        except BaseException as error:  # handed to the awaiting task, which re-raises it
            outcome = (False, error)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the loop is closed: nobody is waiting
            pass

    name = f"reins-off-loop {getattr(fn, '__qualname__', type(fn).__name__)}"
    threading.Thread(target=body, name=name, daemon=True).start()
    return await future
