"""A FIFO-fair asyncio read/write lock whose place in line is taken synchronously.

Reserving a ticket at submission time (not at first await) makes the grant order equal
to the order the model wrote the calls in: reads between two writes share, a write waits
for everything before it and blocks everything after it. That is per-path ordering for
free, plus isolation of mutating tools (Codex CLI's parallel.rs does the same with one lock).
"""

from __future__ import annotations

import asyncio
from collections import deque


class Ticket:
    def __init__(self, lock: RWLock, exclusive: bool):
        self._lock = lock
        self.exclusive = exclusive
        self._granted = asyncio.get_running_loop().create_future()
        self.released = False

    async def __aenter__(self) -> Ticket:
        await self._granted
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._lock._release(self)


class RWLock:
    def __init__(self) -> None:
        self._queue: deque[Ticket] = deque()
        self._readers = 0
        self._writer = False

    def reserve(self, exclusive: bool) -> Ticket:
        ticket = Ticket(self, exclusive)
        self._queue.append(ticket)
        self._grant()
        return ticket

    def _grant(self) -> None:
        while self._queue and not self._writer:
            head = self._queue[0]
            if head._granted.cancelled():
                self._queue.popleft()
                continue
            if head.exclusive:
                if self._readers:
                    return
                self._writer = True
            else:
                self._readers += 1
            self._queue.popleft()
            head._granted.set_result(None)

    def _release(self, ticket: Ticket) -> None:
        if ticket.released:
            return
        ticket.released = True
        if ticket.exclusive:
            self._writer = False
        else:
            self._readers -= 1
        self._grant()

    def abandon(self, ticket: Ticket) -> None:
        """A ticket whose task was cancelled before or after its grant."""
        if ticket._granted.done() and not ticket._granted.cancelled():
            self._release(ticket)
        else:
            ticket._granted.cancel()
            self._grant()
