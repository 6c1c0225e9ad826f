"""Tracer setup: OTLP/HTTP export when OTEL_EXPORTER_OTLP_ENDPOINT is set, no-op otherwise."""

from __future__ import annotations

import os
from collections.abc import Callable

from reins import __version__


def make_tracer() -> tuple[object, Callable[[], None]]:
    """Returns (tracer, shutdown). The tracer is private to the caller, not installed globally."""
    from opentelemetry import trace

    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    )
    if not endpoint:
        return trace.NoOpTracer(), lambda: None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(
        resource=Resource.create({"service.name": "reins", "service.version": __version__})
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider.get_tracer("reins", __version__), provider.shutdown
