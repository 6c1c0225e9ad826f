"""Native tool calling: the provider carries the calls; nothing to render or parse."""

from __future__ import annotations

from typing import Any

from reins.models.messages import Message


class NativeProtocol:
    name = "native"

    def system_section(self, schemas: list[dict[str, Any]]) -> str:
        return ""

    def render(self, messages: list[Message], schemas: list[dict[str, Any]]):
        return messages, schemas

    def prefill(self, require_tool: bool, supports_prefill: bool) -> str | None:
        return None  # require_tool travels as tool_choice

    def parse(self, message: Message, complete: bool = True) -> Message:
        return message

    def continuation(self, text: str, stops: tuple[str, ...]) -> str | None:
        return None  # calls are the provider's; nothing is cut by a fence stop string
