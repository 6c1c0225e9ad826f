"""The server: POST /v1/chat/completions (streaming or not), GET /v1/models, GET /health and
GET /reins/usage, over one reins ModelClient.

One request at a time per model: a local llama.cpp context is not thread-safe, and a
serial model keeps a benchmark's timings honest. Requests wait in arrival order; a
streaming client that waits gets an SSE comment every few seconds (so its read timeout
does not fire), and a client that hangs up, waiting or mid-reply, is dropped and its
generation stopped, so a killed peer does not keep the model busy.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from typing import Any

from reins.models.client import ModelClient, ProviderError
from reins.models.messages import (
    Message,
    ModelReply,
    ReasoningDelta,
    ReplyDone,
    StreamEvent,
    TextDelta,
)
from reins.models.retry import stream_with_retries
from reins.serve.convert import (
    ChatRequest,
    RequestError,
    StopScanner,
    apply_stops,
    chunk_body,
    completion_body,
    finish_reason,
    parse_request,
    tool_call_deltas,
)

KEEPALIVE_S = 5.0  # an SSE comment this often while a streaming request waits its turn
NON_STREAM_RETRIES = 2  # a reply that broke off is started again (nothing was sent yet)


@dataclass
class ServerUsage:
    """What the server has done since it started (GET /reins/usage): a benchmark reads it
    before and after a peer's run for that peer's exact token counts."""

    requests: int = 0  # answered (successfully or not)
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    busy_s: float = 0.0  # time spent generating
    waiting: int = 0  # requests queued right now
    in_flight: int = 0  # 0 or 1


class ModelService:
    """One model behind a FIFO lock; `model_id` is the name /v1/models advertises. Requests
    may name any model: there is only this one, and replies carry its id."""

    def __init__(
        self,
        client: ModelClient,
        *,
        spec: str | None = None,
        model_id: str | None = None,
        log: Callable[[str], None] | None = None,
    ):
        self.client = client
        self.spec = spec or client.model
        self.model_id = model_id or client.model
        self.created = int(time.time())
        self.usage = ServerUsage()
        self.log = log or (lambda line: None)
        self._lock = asyncio.Lock()
        self._warned_tools = False

    # --- one request at a time ---------------------------------------------------------

    async def _acquire(self) -> None:
        """Wait for the model (asyncio.Lock: first come, first served)."""
        self.usage.waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self.usage.waiting -= 1

    @contextmanager
    def _held(self, chat: ChatRequest, queued: float) -> Iterator[dict[str, Any]]:
        """The model is ours (the lock is held): release it, count and log on the way out."""
        started = time.perf_counter()
        self.usage.in_flight = 1
        record: dict[str, Any] = {"ok": False, "usage": None}
        try:
            yield record
        finally:
            self.usage.in_flight = 0
            self._lock.release()
            busy = time.perf_counter() - started
            self.usage.requests += 1
            self.usage.busy_s += busy
            usage = record["usage"]
            if usage is not None:
                self.usage.prompt_tokens += usage.input_tokens
                self.usage.completion_tokens += usage.output_tokens
                self.usage.cached_tokens += usage.cached_input_tokens
            if not record["ok"]:
                self.usage.errors += 1
            tokens = f" in={usage.input_tokens} out={usage.output_tokens}" if usage else ""
            outcome = "ok" if record["ok"] else record.get("error", "dropped")
            self.log(
                f"{'stream' if chat.stream else 'complete'} {outcome} "
                f"wait={started - queued:.2f}s gen={busy:.2f}s{tokens}"
            )

    @contextmanager
    def _overrides(self, chat: ChatRequest) -> Iterator[None]:
        """max_tokens / temperature / stop, where the client has the setting (local and
        OpenAI-style clients do; a scripted one has none). Safe: one request at a time."""
        changes: dict[str, Any] = {}
        if chat.max_tokens is not None and hasattr(self.client, "max_output_tokens"):
            changes["max_output_tokens"] = chat.max_tokens
        if chat.temperature is not None and hasattr(self.client, "temperature"):
            changes["temperature"] = chat.temperature
        if chat.stop and isinstance(getattr(self.client, "extra_stop", None), list):
            changes["extra_stop"] = [*self.client.extra_stop, *chat.stop]  # type: ignore[attr-defined]
        saved = {name: getattr(self.client, name) for name in changes}
        for name, value in changes.items():
            setattr(self.client, name, value)
        try:
            yield
        finally:
            for name, value in saved.items():
                setattr(self.client, name, value)

    def _tools(self, chat: ChatRequest) -> list[dict[str, Any]] | None:
        if not chat.tools:
            return None
        if self.client.supports_native_tools:
            return chat.tools
        if not self._warned_tools:
            self._warned_tools = True
            self.log(f"{self.model_id} has no native tool calling: request tools are ignored")
        return None

    def _prefill(self, chat: ChatRequest) -> tuple[list[Message], str | None]:
        """A conversation that ends with an assistant message asks for that message to be
        continued (as llama.cpp's server does; vLLM's continue_final_message), where the
        model can: the messages before it, and its text as the reply's start."""
        *before, last = chat.messages
        if (before and last.role == "assistant" and last.content and not last.tool_calls
                and self.client.supports_prefill):  # fmt: skip
            return before, last.content
        return chat.messages, None

    async def events(self, chat: ChatRequest) -> AsyncIterator[StreamEvent]:
        """The client's stream for one request (the caller holds the turn). A continued
        message's start is not sent back: the reply holds what the model added."""
        tools = self._tools(chat)
        messages, prefill = self._prefill(chat)
        with self._overrides(chat):
            stream = self.client.stream(
                messages, tools, require_tool=chat.require_tool and tools is not None,
                **({"prefill": prefill} if prefill else {}),
            )  # fmt: skip
            skip = prefill or ""
            try:
                async for event in stream:
                    if skip and isinstance(event, TextDelta):  # the client repeats the start
                        cut = len(os.path.commonprefix([skip, event.text]))
                        # a delta that departs from the start ends the skipping
                        departs = cut < len(skip) and cut < len(event.text)
                        skip = "" if departs else skip[cut:]
                        event = TextDelta(event.text[cut:])
                        if not event.text:
                            continue
                    elif prefill and isinstance(event, ReplyDone):
                        event = ReplyDone(continued(event.reply, prefill))
                    yield event
            finally:
                close = getattr(stream, "aclose", None)
                if close is not None:  # stops a local generation mid-way
                    await close()

    # --- the two answers ---------------------------------------------------------------

    async def complete(self, chat: ChatRequest) -> dict[str, Any]:
        queued = time.perf_counter()
        await self._acquire()
        with self._held(chat, queued) as record:
            reply = None
            try:
                stream = stream_with_retries(
                    lambda: self.events(chat), max_retries=NON_STREAM_RETRIES
                )
                async for event in stream:
                    if isinstance(event, ReplyDone):
                        reply = event.reply
                if reply is None:
                    raise ProviderError("the model ended without a reply", reason="truncated")
            except ProviderError as error:
                record["error"] = error.reason
                raise
            text, stopped = apply_stops(reply.message.content, chat.stop)
            record.update(ok=True, usage=reply.usage)
            return completion_body(
                reply, completion_id=new_id(), created=int(time.time()), model=self.model_id,
                text=text, stopped=stopped,
            )  # fmt: skip

    async def stream(self, chat: ChatRequest) -> AsyncIterator[str]:
        """SSE lines: a role chunk, content (and reasoning) deltas, the tool calls, the
        finish chunk, the usage chunk if asked for, then `data: [DONE]`. An error after the
        stream began is sent as `data: {"error": …}` and the stream ends without [DONE].
        While the request waits for the model, an SSE comment goes out every KEEPALIVE_S."""
        queued = time.perf_counter()
        acquire = asyncio.ensure_future(self._acquire())
        try:
            while not acquire.done():
                await asyncio.wait({acquire}, timeout=KEEPALIVE_S)
                if not acquire.done():
                    yield ": waiting for the model\n\n"
            acquire.result()
        except BaseException:
            # The client hung up while waiting: give the place (or the lock, if it was
            # acquired meanwhile) back.
            acquire.cancel()
            acquire.add_done_callback(self._release_if_acquired)
            raise
        with self._held(chat, queued) as record:
            async for line in self._stream_body(chat, record):
                yield line

    def _release_if_acquired(self, task: asyncio.Future) -> None:
        if not task.cancelled() and task.exception() is None:
            self._lock.release()

    async def _stream_body(self, chat: ChatRequest, record: dict[str, Any]) -> AsyncIterator[str]:
        ids = {"completion_id": new_id(), "created": int(time.time()), "model": self.model_id}
        extra = {"include_usage": chat.include_usage}
        yield sse(chunk_body(**ids, **extra, delta={"role": "assistant", "content": ""}))
        scanner = StopScanner(chat.stop)
        reply = None
        try:
            async for event in self.events(chat):
                if isinstance(event, TextDelta):
                    text = scanner.feed(event.text)
                    if text:
                        yield sse(chunk_body(**ids, **extra, delta={"content": text}))
                elif isinstance(event, ReasoningDelta):
                    yield sse(chunk_body(**ids, **extra, delta={"reasoning_content": event.text}))
                elif isinstance(event, ReplyDone):
                    reply = event.reply
            if reply is None:
                raise ProviderError("the model ended without a reply", reason="truncated")
        except ProviderError as error:
            record["error"] = error.reason
            yield sse({"error": error_body(error)[1]["error"]})
            return
        rest = scanner.flush()
        if rest:
            yield sse(chunk_body(**ids, **extra, delta={"content": rest}))
        if reply.message.tool_calls and not scanner.stopped:
            deltas = tool_call_deltas(reply.message.tool_calls)
            yield sse(chunk_body(**ids, **extra, delta={"tool_calls": deltas}))
        yield sse(chunk_body(**ids, **extra, finish=finish_reason(reply, scanner.stopped)))
        if chat.include_usage:
            yield sse(chunk_body(**ids, usage=reply.usage))
        record.update(ok=True, usage=reply.usage)
        yield "data: [DONE]\n\n"

    def models_body(self) -> dict[str, Any]:
        return {"object": "list", "data": [self.model_card()]}

    def model_card(self) -> dict[str, Any]:
        return {
            "id": self.model_id,
            "object": "model",
            "created": self.created,
            "owned_by": "reins",
            "reins": {
                "spec": self.spec,
                "native_tools": bool(self.client.supports_native_tools),
                # a last assistant message is continued (models.openai_client uses it)
                "prefill": bool(getattr(self.client, "supports_prefill", False)),
                "context_length": getattr(self.client, "n_ctx", None),  # local models
            },
        }


def continued(reply: ModelReply, prefill: str) -> ModelReply:
    """The reply without the start it was given (the text the client already has)."""
    content = reply.message.content.removeprefix(prefill)
    raw = reply.message.raw.removeprefix(prefill) if reply.message.raw else reply.message.raw
    return replace(reply, message=replace(reply.message, content=content, raw=raw))


def new_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex[:24]


def sse(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def error_body(error: Exception) -> tuple[int, dict[str, Any]]:
    """(HTTP status, OpenAI-style error body) for a refused request or a model failure."""
    if isinstance(error, RequestError):
        return 400, {"error": {"message": str(error), "type": "invalid_request_error",
                               "param": error.param, "code": None}}  # fmt: skip
    if isinstance(error, ProviderError):
        text = str(error)
        if "context window" in text or "context length" in text:
            return 400, {"error": {"message": text, "type": "invalid_request_error",
                                   "param": "messages", "code": "context_length_exceeded"}}  # fmt: skip
        status = {"bad_request": 400, "rate_limit": 429, "timeout": 504, "unknown": 500}.get(
            error.reason, 502
        )
        kind = "invalid_request_error" if status == 400 else "server_error"
        return status, {"error": {"message": text, "type": kind, "param": None,
                                  "code": error.reason}}  # fmt: skip
    return 500, {"error": {"message": f"{type(error).__name__}: {error}", "type": "server_error",
                           "param": None, "code": None}}  # fmt: skip


# --- the ASGI application --------------------------------------------------------------------


def create_app(service: ModelService):
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    def failed(error: Exception) -> JSONResponse:
        status, body = error_body(error)
        return JSONResponse(body, status_code=status)

    async def chat_completions(request: Request) -> Response:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return failed(RequestError("the request body is not valid JSON"))
        try:
            chat = parse_request(body)
        except RequestError as error:
            return failed(error)
        if chat.stream:
            return StreamingResponse(
                service.stream(chat),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        work = asyncio.ensure_future(service.complete(chat))
        gone = asyncio.ensure_future(_disconnected(request))
        try:
            await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (work, gone):
                if not task.done():
                    task.cancel()
        if not work.done() or work.cancelled():  # the client hung up: stop generating
            try:
                await work
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
            return Response(status_code=499)
        try:
            return JSONResponse(work.result())
        except (ProviderError, RequestError) as error:
            return failed(error)

    async def models(request: Request) -> Response:
        return JSONResponse(service.models_body())

    async def model(request: Request) -> Response:
        # Any name answers with the one model (clients probe the name they were given).
        return JSONResponse(service.model_card())

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "model": service.model_id})

    async def usage(request: Request) -> Response:
        return JSONResponse(asdict(service.usage))

    routes = [
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/models/{name:path}", model, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/reins/usage", usage, methods=["GET"]),
    ]
    return Starlette(routes=routes)


async def _disconnected(request) -> None:
    """Returns when the client hangs up (the body was read already)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


# --- running it ------------------------------------------------------------------------------


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: any free port; read it from getsockname)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}/v1"


def _uvicorn_server(app):
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2)  # fmt: skip
    return uvicorn.Server(config)


async def serve(service: ModelService, sock: socket.socket) -> None:
    """Serve until cancelled or interrupted (SIGINT/SIGTERM); closes the client after."""
    server = _uvicorn_server(create_app(service))
    try:
        await server.serve(sockets=[sock])
    finally:
        await service.client.close()


class BackgroundServer:
    """The server on a thread of its own (tests, or a benchmark in the same process):

    with BackgroundServer(client) as server:
        openai.OpenAI(base_url=server.url, api_key="none")
    """

    def __init__(self, client: ModelClient, *, host: str = "127.0.0.1", port: int = 0,
                 model_id: str | None = None, log: Callable[[str], None] | None = None):  # fmt: skip
        self.service = ModelService(client, model_id=model_id, log=log)
        self.sock = bind(host, port)
        self.url = url_of(self.sock)
        self._server = _uvicorn_server(create_app(self.service))
        self._thread = threading.Thread(target=self._run, name="reins-serve", daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        # uvicorn captures signals only on the main thread, which this is not.
        try:
            asyncio.run(self._server.serve(sockets=[self.sock]))
        except BaseException as error:  # noqa: BLE001 - reported by start
            self._error = error

    def start(self, timeout_s: float = 10.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if self._error is not None or not self._thread.is_alive():
                raise RuntimeError(f"the server did not start: {self._error}")
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start in time")
            time.sleep(0.02)
        return self

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self.sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def stderr_log(line: str) -> None:
    print(f"reins serve: {line}", file=sys.stderr, flush=True)


def build_client(spec_text: str, max_output_tokens: int | None = None) -> ModelClient:
    """The client reins itself would use for this spec, with the model's profile for the
    context window and the default temperature, but none of the profile's stop strings or
    output cap: those are the agent's business, and each request brings its own.
    `max_output_tokens`: a default cap for requests that set none (the bench gives peers
    the same cap reins' profile uses)."""
    from reins.models.factory import create_client
    from reins.models.spec import ModelSpec
    from reins.profiles import select_profile

    spec = ModelSpec.parse(spec_text)
    profile = select_profile(spec)
    # A model of its own: the server's KV cache serves its clients (peers keep their
    # prompt prefix cached between requests), not the sessions of the process it runs in.
    # The profile's decoding too (draft tokens): peers get the model as reins runs it.
    return create_client(spec, temperature=profile.temperature, n_ctx=profile.n_ctx,
                         max_output_tokens=max_output_tokens, private_model=True,
                         draft_tokens=profile.draft_tokens)  # fmt: skip


def run_server(
    spec_text: str, host: str = "127.0.0.1", port: int = 8000, *,
    log: Callable[[str], None] = stderr_log,
) -> None:  # fmt: skip
    """`reins serve`: load the model (a local one's weights first), bind, print the URL,
    serve until Ctrl-C or SIGTERM. Raises ModelSpecError/ProviderError/ModelAssetError/
    OSError (the port is taken) for the CLI to report."""
    from reins.agent.runner import prepare_client

    client = build_client(spec_text)
    shown = [-1]

    def progress(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent // 10 != shown[0]:
            shown[0] = percent // 10
            log(f"preparing the model's weights: {percent}%")

    if hasattr(client, "ensure_weights"):
        log(f"loading {client.model} …")
    started = time.perf_counter()
    prepare_client(client, progress)
    if hasattr(client, "ensure_weights"):
        log(f"loaded in {time.perf_counter() - started:.1f} s")
    sock = bind(host, port)
    service = ModelService(client, spec=spec_text, log=log)
    log(f"{service.model_id} at {url_of(sock)} (one request at a time; Ctrl-C stops)")
    try:
        asyncio.run(serve(service, sock))
    finally:
        sock.close()
