"""A model behind an OpenAI-compatible server under an alias still gets its tuned profile:
the server is asked which weights it serves (vLLM's root, llama.cpp's model_path)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reins.models import served_model
from reins.models.spec import ModelSpec
from reins.profiles import select_profile


@pytest.fixture
def server():
    """A server answering each path with the JSON (or text) in `routes`; `asked` lists paths."""
    routes: dict[str, object] = {}
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            asked.append(self.path)
            body = routes.get(self.path)
            if body is None:
                self.send_error(404)
                return
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    served_model._served.cache_clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes, asked
    httpd.shutdown()
    served_model._served.cache_clear()


def profile_for(spec_text: str, forced: str | None = None) -> str:
    return select_profile(ModelSpec.parse(spec_text), forced).name


def test_an_alias_on_vllm_gets_the_profile_of_the_weights_it_names(server):
    url, routes, _ = server
    routes["/v1/models"] = {"object": "list", "data": [
        {"id": "other", "root": "meta-llama/Llama-3.1-8B"},
        {"id": "coder", "root": "Qwen/Qwen2.5-Coder-1.5B-Instruct"},
    ]}  # fmt: skip
    assert profile_for(f"openai-compat:{url}/v1#coder") == "qwen-files"
    assert profile_for(f"openai-compat:{url}/v1#other") == "default"  # its weights: no profile


def test_llama_cpp_behind_a_gpt_alias_is_known_by_its_model_file(server):
    url, routes, _ = server
    routes["/v1/models"] = {"data": [{"id": "gpt-3.5-turbo", "owned_by": "llamacpp"}]}
    routes["/props"] = {"model_path": "/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"}
    assert profile_for(f"openai-compat:{url}/v1#gpt-3.5-turbo") == "qwen-files"


def test_a_name_that_names_the_family_or_a_forced_profile_asks_nothing(server):
    url, routes, asked = server
    routes["/v1/models"] = {"data": [{"id": "x", "root": "Qwen/Qwen2.5-Coder-1.5B-Instruct"}]}
    assert profile_for(f"openai-compat:{url}/v1#qwen2.5-coder:7b") == "qwen"
    assert profile_for(f"openai-compat:{url}/v1#x", forced="default") == "default"
    assert asked == []


def test_a_server_that_says_nothing_useful_leaves_the_choice_to_the_name(server):
    url, routes, asked = server
    routes["/v1/models"] = "<html>not json</html>"
    assert profile_for(f"openai-compat:{url}/v1#local-model") == "default"
    routes["/v1/models"] = {"data": [{"id": "a"}, {"id": "b"}]}  # neither is ours
    served_model._served.cache_clear()
    assert profile_for(f"openai-compat:{url}/v1#local-model") == "default"
    assert asked.count("/v1/models") == 2
    profile_for(f"openai-compat:{url}/v1#local-model")  # asked once per process
    assert asked.count("/v1/models") == 2


def test_an_unreachable_server_costs_no_more_than_the_time_out():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    served_model._served.cache_clear()
    started = time.perf_counter()
    assert profile_for(f"openai-compat:http://127.0.0.1:{port}/v1#local-model") == "default"
    assert time.perf_counter() - started < served_model.TIMEOUT_S + 1


def test_a_host_name_that_does_not_resolve_is_bounded_too():
    served_model._served.cache_clear()
    started = time.perf_counter()
    assert profile_for("openai-compat:http://no-such-host.invalid/v1#local-model") == "default"
    assert time.perf_counter() - started < served_model.TIMEOUT_S + 1
