"""Language servers for one workspace: started lazily, reused, restarted if they die."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reins.lsp.client import LspClient, LspError
from reins.lsp.servers import LANGUAGES, ServerSpec, resolve

START_TIMEOUT_S = 30.0
DIAGNOSTICS_TIMEOUT_S = 30.0


class LspManager:
    def __init__(self, root: Path, start_timeout_s: float = START_TIMEOUT_S,
                 diagnostics_timeout_s: float = DIAGNOSTICS_TIMEOUT_S, sandbox=None):  # fmt: skip
        self.root = root
        self.sandbox = sandbox
        self.start_timeout_s = start_timeout_s
        self.diagnostics_timeout_s = diagnostics_timeout_s
        self.clients: dict[str, LspClient] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def language_of(self, path: Path) -> tuple[str, tuple[ServerSpec, ...]] | None:
        return LANGUAGES.get(path.suffix.lower())

    def installed(self, spec: ServerSpec) -> list[str] | None:
        return resolve(spec)

    async def client(self, spec: ServerSpec) -> LspClient:
        """A running client for spec (its server must be installed)."""
        lock = self._locks.setdefault(spec.name, asyncio.Lock())
        async with lock:
            client = self.clients.get(spec.name)
            if client is not None and client.alive:
                return client
            argv = resolve(spec)
            if argv is None:
                raise LspError(f"{spec.name} is not installed ({spec.install_hint})")
            if client is not None:
                await client.stop()  # it died: start a fresh one
            client = LspClient(spec.name, argv, self.root, self.sandbox)
            self.clients[spec.name] = client
            try:
                await client.start(self.start_timeout_s)
            except (TimeoutError, LspError, OSError):
                await client.stop()
                raise
            return client

    async def close(self) -> None:
        for client in self.clients.values():
            await client.stop()
        self.clients.clear()
