"""OpenTelemetry spans (GenAI semantic conventions); exported only when OTLP is configured."""
