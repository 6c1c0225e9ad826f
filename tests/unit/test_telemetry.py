"""Spans follow the GenAI semantic conventions and carry the taxonomy kind as error.type."""

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from reins.agent.builder import open_session
from reins.config import Config
from tests.conftest import write_script


async def test_spans_for_agent_chat_and_tools(repo, store, tmp_path):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [
            {"name": "read_file", "arguments": {"path": "src/util.py"}},
            {"name": "read_file", "arguments": {"path": "nope.py"}},
        ]},
        {"content": "done"},
    ])  # fmt: skip
    session = open_session(
        repo, Config(model=f"scripted:{script}"), store, title="t", tracer=provider.get_tracer("t")
    )
    await session.run("go")
    spans = {s.name: s for s in exporter.get_finished_spans()}
    names = [s.name for s in exporter.get_finished_spans()]
    assert names.count("execute_tool read_file") == 2
    assert names.count(f"chat scripted:{script.name}") == 2
    agent = spans["invoke_agent"]
    assert agent.attributes["gen_ai.operation.name"] == "invoke_agent"
    tool_spans = [s for s in exporter.get_finished_spans() if s.name.startswith("execute_tool")]
    assert sorted(s.attributes.get("error.type", "ok") for s in tool_spans) == [
        "UnexpectedEnvironment",
        "ok",
    ]
    chat = next(s for s in exporter.get_finished_spans() if s.name.startswith("chat"))
    assert chat.parent.span_id == agent.context.span_id
    assert chat.attributes["gen_ai.usage.input_tokens"] > 0


def test_no_endpoint_means_no_exporter(monkeypatch):
    from opentelemetry.trace import NoOpTracer

    from reins.telemetry.tracing import make_tracer

    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    tracer, shutdown = make_tracer()
    assert isinstance(tracer, NoOpTracer)
    shutdown()


def test_otlp_export_when_the_endpoint_is_set(repo, tmp_path):
    """A real `reins run` sends its spans to an OTLP/HTTP collector (here a local fake)."""
    import os
    import subprocess
    import sys

    from tests.fake_server import FakeServer

    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "list_dir", "arguments": {"path": "."}}]},
        {"content": "done"},
    ])  # fmt: skip
    with FakeServer([], default_status=200) as collector:
        env = {**os.environ, "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url}
        proc = subprocess.run(
            [sys.executable, "-m", "reins", "run", "x", "--repo", str(repo), "-m", f"scripted:{script}", "--json"],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    traces = [body for path, body in collector.raw if path == "/v1/traces"]
    assert traces, collector.raw
    payload = b"".join(traces)
    for name in (b"invoke_agent", b"execute_tool list_dir", b"chat scripted:"):
        assert name in payload
