"""A scripted HTTP server on 127.0.0.1 for provider-client tests: each request pops the next
canned response (status, headers, body or SSE events) and the request body is recorded."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeServer:
    def __init__(self, responses: list[dict], default_status: int = 500):
        self.responses = list(responses)
        self.default_status = default_status
        self.requests: list[dict | None] = []
        self.raw: list[tuple[str, bytes]] = []
        self.times: list[float] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                import time

                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                server.raw.append((self.path, body))
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
                self.send_response(spec.get("status", 200))
                for key, value in spec.get("headers", {}).items():
                    self.send_header(key, value)
                if "sse" in spec:
                    self.send_header("content-type", "text/event-stream")
                    self.end_headers()
                    for event in spec["sse"]:
                        if isinstance(event, tuple):
                            name, data = event
                            self.wfile.write(
                                f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
                            )
                        else:
                            payload = event if isinstance(event, str) else json.dumps(event)
                            self.wfile.write(f"data: {payload}\n\n".encode())
                        self.wfile.flush()
                else:
                    body = json.dumps(
                        spec.get("json", {"error": {"message": "fake error"}})
                    ).encode()
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
