"""OpenTelemetry spans from the event record (GenAI semantic conventions): one invoke_agent
span per turn, a chat span per model call and an execute_tool span per tool call under it.
Spans are built from the events' timestamps, so tracing adds nothing to the loop itself."""

from __future__ import annotations

from opentelemetry import trace

from reins.agent.events import Event, ModelCalled, ToolCalled, TurnEnded, TurnStarted


def _ns(seconds: float) -> int:
    return int(seconds * 1e9)


class TraceWriter:
    def __init__(self, tracer):
        self.tracer = tracer
        self.turn_span = None
        self.context = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, TurnStarted):
            self.turn_span = self.tracer.start_span(
                "invoke_agent", start_time=_ns(event.at),
                attributes={"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "reins",
                            "gen_ai.conversation.id": event.session_id},
            )  # fmt: skip
            self.context = trace.set_span_in_context(self.turn_span)
        elif isinstance(event, ModelCalled):
            span = self.tracer.start_span(
                f"chat {event.model}", context=self.context,
                start_time=_ns(event.at - event.latency_s),
                attributes={"gen_ai.operation.name": "chat", "gen_ai.request.model": event.model},
            )  # fmt: skip
            if event.error:
                span.set_attribute("error.type", "ProviderError")
            else:
                span.set_attribute("gen_ai.response.model", event.model)
                span.set_attribute("gen_ai.usage.input_tokens", event.usage.input_tokens)
                span.set_attribute("gen_ai.usage.output_tokens", event.usage.output_tokens)
                if event.finish_reason:
                    span.set_attribute("gen_ai.response.finish_reasons", [event.finish_reason])
            span.end(end_time=_ns(event.at))
        elif isinstance(event, ToolCalled):
            item = event.executed
            span = self.tracer.start_span(
                f"execute_tool {item.call.name}", context=self.context,
                start_time=_ns(item.finished_at - item.duration_s),
                attributes={"gen_ai.operation.name": "execute_tool",
                            "gen_ai.tool.name": item.call.name,
                            "gen_ai.tool.call.id": item.call.id},
            )  # fmt: skip
            if not item.result.ok:
                span.set_attribute("error.type", item.result.kind.value)
            span.end(end_time=_ns(item.finished_at))
        elif isinstance(event, TurnEnded) and self.turn_span is not None:
            if event.outcome.status != "completed":
                self.turn_span.set_attribute("error.type", event.outcome.status)
            self.turn_span.end(end_time=_ns(event.at))
            self.turn_span = self.context = None
