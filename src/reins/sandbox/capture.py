"""Bounded output capture: keeps the head and the tail, counts what was dropped."""

from __future__ import annotations

from collections import deque

HEAD_BYTES = 8_000
TAIL_BYTES = 8_000


class OutputCapture:
    def __init__(self, head: int = HEAD_BYTES, tail: int = TAIL_BYTES):
        self._head_limit = head
        self._tail_limit = tail
        self._head = bytearray()
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self.dropped = 0

    def feed(self, chunk: bytes) -> None:
        room = self._head_limit - len(self._head)
        if room > 0:
            self._head += chunk[:room]
            chunk = chunk[room:]
        if not chunk:
            return
        self._tail.append(chunk)
        self._tail_size += len(chunk)
        while self._tail_size > self._tail_limit:
            first = self._tail.popleft()
            excess = self._tail_size - self._tail_limit
            if len(first) > excess:
                self._tail.appendleft(first[excess:])
                self.dropped += excess
                self._tail_size -= excess
            else:
                self.dropped += len(first)
                self._tail_size -= len(first)

    def text(self) -> str:
        head = bytes(self._head).decode("utf-8", errors="replace")
        tail = b"".join(self._tail).decode("utf-8", errors="replace")
        if self.dropped:
            return f"{head}\n[... {self.dropped} bytes of output omitted ...]\n{tail}"
        return head + tail
