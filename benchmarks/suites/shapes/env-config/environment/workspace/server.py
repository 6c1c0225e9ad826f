"""A tiny status server: GET /health answers {"status": "ok"}, GET /version the version."""

import json
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = "1.4.2"


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    log_requests: bool = False


def load_settings():
    return Settings()


class Handler(BaseHTTPRequestHandler):
    routes = {
        "/health": lambda: {"status": "ok"},
        "/version": lambda: {"version": VERSION},
    }

    def do_GET(self):
        route = self.routes.get(self.path)
        body = json.dumps(route() if route else {"error": "not found"}).encode()
        self.send_response(200 if route else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        if self.server.settings.log_requests:
            super().log_message(format, *args)


def main():
    settings = load_settings()
    server = ThreadingHTTPServer((settings.host, settings.port), Handler)
    server.settings = settings
    print(f"Listening on http://{settings.host}:{settings.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
