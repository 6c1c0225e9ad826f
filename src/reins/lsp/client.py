"""One language server over stdio: JSON-RPC framing, initialize, open/change, diagnostics."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
from pathlib import Path
from typing import Any


class LspError(RuntimeError):
    pass


class LspClient:
    def __init__(self, name: str, argv: list[str], root: Path, sandbox=None):
        self.name = name
        self.argv = argv
        self.root = root
        # Servers read the repo's own config (and some run its build scripts): they run in
        # the same sandbox as the model's commands.
        self.sandbox = sandbox
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task | None = None
        self._next_id = 0
        self._pending: dict[int, asyncio.Future] = {}
        self._versions: dict[str, int] = {}
        self._diagnostics: dict[str, tuple[int, list[dict]]] = {}
        self._published: dict[str, asyncio.Event] = {}
        self._stderr_tail = b""

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, timeout_s: float) -> None:
        argv, env = self.argv, None
        if self.sandbox is not None:
            argv, env = self.sandbox.argv_exec(self.argv, str(self.root)), self.sandbox.env()
        self.process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=self.root,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        self._reader = asyncio.create_task(self._read_loop())
        asyncio.create_task(self._drain_stderr())
        uri = self.root.as_uri()
        await asyncio.wait_for(
            self.request(
                "initialize",
                {
                    "processId": os.getpid(),
                    "rootUri": uri,
                    "workspaceFolders": [{"uri": uri, "name": self.root.name}],
                    "capabilities": {
                        "textDocument": {
                            "publishDiagnostics": {"versionSupport": True},
                            "synchronization": {},
                        },
                        "workspace": {"configuration": True, "workspaceFolders": True},
                    },
                },
            ),  # fmt: skip
            timeout_s,
        )
        await self.notify("initialized", {})
        self._versions.clear()

    async def diagnostics(self, path: Path, language_id: str, timeout_s: float) -> list[dict]:
        uri = path.as_uri()
        text = path.read_text("utf-8", errors="replace")
        event = self._published.setdefault(uri, asyncio.Event())
        event.clear()
        version = self._versions.get(uri, 0) + 1
        self._versions[uri] = version
        if version == 1:
            await self.notify("textDocument/didOpen", {
                "textDocument": {"uri": uri, "languageId": language_id, "version": version, "text": text}
            })  # fmt: skip
        else:
            await self.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}],
            })  # fmt: skip
        await asyncio.wait_for(event.wait(), timeout_s)
        # Servers may publish twice (syntax first, semantics later): take a short settle.
        with contextlib.suppress(TimeoutError):
            event.clear()
            await asyncio.wait_for(event.wait(), 0.3)
        return self._diagnostics.get(uri, (0, []))[1]

    async def request(self, method: str, params: Any) -> Any:
        self._next_id += 1
        future = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = future
        await self._send(
            {"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params}
        )
        return await future

    async def notify(self, method: str, params: Any) -> None:
        await self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def _send(self, message: dict) -> None:
        if not self.alive or self.process.stdin is None:
            raise LspError(f"{self.name} is not running")
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await self.process.stdin.drain()

    async def _read_loop(self) -> None:
        stream = self.process.stdout
        try:
            while True:
                length = 0
                while True:
                    header = await stream.readline()
                    if not header:
                        raise EOFError
                    if header in (b"\r\n", b"\n"):
                        break
                    if header.lower().startswith(b"content-length:"):
                        length = int(header.split(b":")[1])
                message = json.loads(await stream.readexactly(length))
                await self._dispatch(message)
        except (EOFError, asyncio.IncompleteReadError, ConnectionError, ValueError):
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(
                        LspError(
                            f"{self.name} exited: {self._stderr_tail[-300:].decode(errors='replace')}"
                        )
                    )

    async def _dispatch(self, message: dict) -> None:
        if "id" in message and "method" not in message:  # a response to us
            future = self._pending.pop(message["id"], None)
            if future and not future.done():
                if "error" in message:
                    future.set_exception(LspError(str(message["error"].get("message"))))
                else:
                    future.set_result(message.get("result"))
        elif "id" in message:  # a request from the server: answer minimally
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [None for _ in message.get("params", {}).get("items", [])]
            await self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
        elif message.get("method") == "textDocument/publishDiagnostics":
            params = message["params"]
            self._diagnostics[params["uri"]] = (
                params.get("version") or 0,
                params.get("diagnostics", []),
            )
            self._published.setdefault(params["uri"], asyncio.Event()).set()

    async def _drain_stderr(self) -> None:
        while (
            self.process and self.process.stderr and (chunk := await self.process.stderr.read(4096))
        ):
            self._stderr_tail = (self._stderr_tail + chunk)[-2000:]

    async def stop(self) -> None:
        if not self.alive:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.request("shutdown", None), 2)
            await self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), 2)
        if self.alive:
            with contextlib.suppress(ProcessLookupError):  # the server and all it started
                os.killpg(self.process.pid, signal.SIGKILL)
            await self.process.wait()
        if self._reader:
            self._reader.cancel()
