"""Hooks a front end implements to show a turn as it happens. Every method is optional."""

from __future__ import annotations

from reins.models.messages import ModelReply, ToolCall
from reins.tools.executor import ExecutedCall


class SessionEvents:
    def model_started(self, step: int) -> None: ...

    def text_delta(self, text: str) -> None: ...

    def model_finished(self, reply: ModelReply) -> None: ...

    def tool_started(self, call: ToolCall) -> None: ...

    def tool_finished(self, item: ExecutedCall) -> None: ...

    def notice(self, text: str) -> None: ...
