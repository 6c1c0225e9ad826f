"""Language servers for one workspace: started lazily, reused, restarted if they die."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reins.lsp.client import LspClient, LspError
from reins.lsp.servers import LANGUAGES, ServerSpec, resolve

START_TIMEOUT_S = 30.0


class LspManager:
    def __init__(self, root: Path):
        self.root = root
        self.clients: dict[str, LspClient] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def language_of(self, path: Path) -> tuple[str, tuple[ServerSpec, ...]] | None:
        return LANGUAGES.get(path.suffix.lower())

    async def client(self, spec: ServerSpec) -> LspClient | None:
        """A running client for spec, or None if its server is not installed."""
        lock = self._locks.setdefault(spec.name, asyncio.Lock())
        async with lock:
            client = self.clients.get(spec.name)
            if client is not None and client.alive:
                return client
            argv = resolve(spec)
            if argv is None:
                return None
            if client is not None:
                await client.stop()  # it died: start a fresh one
            client = LspClient(spec.name, argv, self.root)
            self.clients[spec.name] = client
            try:
                await client.start(START_TIMEOUT_S)
            except (TimeoutError, LspError, OSError):
                await client.stop()
                raise
            return client

    async def close(self) -> None:
        for client in self.clients.values():
            await client.stop()
        self.clients.clear()
