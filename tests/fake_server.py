"""A scripted HTTP server on 127.0.0.1 for provider-client tests: each request pops the next
canned response (status, headers, body or SSE events); the request body and headers are
recorded.

A canned response is a dict:
  status, headers        the status line (default 200) and extra response headers
  json                   a JSON body (default: an error object)
  sse                    a list of SSE events: a dict or str is sent as `data: ...`, a tuple
                         (name, dict) as `event: name` + `data: ...`
Faults (for the provider fault suite; combine with `sse`):
  truncate_after: N      send the first N events, then end the body cleanly (no [DONE],
                         no finish_reason / message_stop)
  reset_after: N         send the first N events, then reset the connection (TCP RST)
  malformed_after: N     send the first N events, then a line that is not JSON
                         (`malformed_event` names the SSE event it claims to be, for
                         SDKs that only parse known event names), then the rest
  delay_s: S             wait S seconds before each event
  silent: True           read the request, then never answer (until the server closes)
  empty: True            200 with an empty body (content-length: 0)
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MALFORMED_DATA = '{"choices": [{"delta": {"content": "x"'  # cut-off JSON


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        pass  # a client that hung up (the tests cancel on purpose) is not a failure


class FakeServer:
    def __init__(self, responses: list[dict], default_status: int = 500):
        self.responses = list(responses)
        self.default_status = default_status
        self.requests: list[dict | None] = []
        self.raw: list[tuple[str, bytes]] = []
        self.headers: list[dict[str, str]] = []  # lower-cased names
        self.times: list[float] = []
        self.closing = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                with server._lock:
                    server.raw.append((self.path, body))
                    server.headers.append({k.lower(): v for k, v in self.headers.items()})
                    try:
                        server.requests.append(json.loads(body or b"{}"))
                    except ValueError:
                        server.requests.append(None)  # not JSON (e.g. OTLP protobuf): see .raw
                    server.times.append(time.monotonic())
                    spec = (
                        server.responses.pop(0)
                        if server.responses
                        else {"status": server.default_status}
                    )
                if spec.get("silent"):
                    server.closing.wait()  # accept, never answer
                    self.close_connection = True
                    return
                self.send_response(spec.get("status", 200))
                for key, value in spec.get("headers", {}).items():
                    self.send_header(key, value)
                if spec.get("empty"):
                    self.send_header("content-length", "0")
                    self.end_headers()
                elif "sse" in spec:
                    self.send_header("content-type", "text/event-stream")
                    self.end_headers()
                    self.send_events(spec)
                else:
                    body = json.dumps(
                        spec.get("json", {"error": {"message": "fake error"}})
                    ).encode()
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def send_events(self, spec: dict) -> None:
                events = list(spec["sse"])
                for key in ("truncate_after", "reset_after"):
                    if key in spec:
                        events = events[: spec[key]]
                if "malformed_after" in spec:
                    name = spec.get("malformed_event")
                    bad = (f"event: {name}\n" if name else "") + f"data: {MALFORMED_DATA}\n\n"
                    events.insert(spec["malformed_after"], Raw(bad))
                delay = spec.get("delay_s", 0)
                for event in events:
                    if delay and server.closing.wait(delay):
                        return  # the test is over
                    if isinstance(event, Raw):
                        self.wfile.write(event.text.encode())
                    elif isinstance(event, tuple):
                        name, data = event
                        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
                    else:
                        payload = event if isinstance(event, str) else json.dumps(event)
                        self.wfile.write(f"data: {payload}\n\n".encode())
                    self.wfile.flush()
                if "reset_after" in spec:
                    server.closing.wait(0.1)  # let the client read what was sent
                    # SO_LINGER 0: close() sends RST instead of FIN: a connection reset
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    self.close_connection = True

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.closing.set()  # releases silent and slow handlers
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class Raw:
    """Bytes written to the stream as they are (used for malformed lines)."""

    def __init__(self, text: str):
        self.text = text
