"""The text protocol: tools in the system prompt, calls as JSON in the reply text."""

from __future__ import annotations

from typing import Any

from reins.agent.protocols.fences import cut_short
from reins.agent.protocols.text_codec import (
    PREFILL,
    close_open_call,
    parse_tool_calls,
    to_text_messages,
    tools_section,
)
from reins.models.messages import Message


class TextProtocol:
    name = "text"

    def __init__(
        self, call_style: str = "tags", tool_list: str = "json", prefill_calls: bool = True
    ):
        self.call_style = call_style
        self.tool_list = tool_list
        self.prefill_calls = prefill_calls  # off: a required call's reply starts free

    def system_section(self, schemas: list[dict[str, Any]]) -> str:
        return tools_section(schemas, self.call_style, self.tool_list)

    def render(self, messages: list[Message], schemas: list[dict[str, Any]]):
        return to_text_messages(messages, self.call_style), None

    def prefill(self, require_tool: bool, supports_prefill: bool) -> str | None:
        if not (require_tool and supports_prefill and self.prefill_calls):
            return None
        return PREFILL[self.call_style]

    def parse(self, message: Message, complete: bool = True) -> Message:
        if not message.tool_calls:  # a client that parsed calls itself is trusted
            message.raw = close_open_call(message.raw or message.content)
            message.content, message.tool_calls = parse_tool_calls(
                message.raw, self.call_style, repair=complete
            )
        return message

    def continuation(self, text: str, stops: tuple[str, ...]) -> str | None:
        """A fence stop string ("\n```\n": one block per reply) also ends a reply at a fence
        inside its block: a README's own examples, a file's content in a JSON string."""
        stop = next((s for s in stops if "```" in s), None)
        if stop is None or not cut_short(text):
            return None
        # The stop string less its last backtick and newline: the model writes them again
        # in the token it chose before the cut (Qwen: "``" then "`\n\n"). Given "```\n",
        # the 1.5B read it as the end of the block and closed the file there (a README cut
        # after its first example); given "```", it wrote an extra blank line (2026-12-04).
        fence = stop.rstrip("\n")
        return text + (fence[:-1] if fence.endswith("```") else fence)
