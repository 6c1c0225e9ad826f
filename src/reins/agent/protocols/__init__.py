"""How tool calls travel between reins and a model: one object per protocol owns the
rendering of the history, the prefill that asks for a call, and the parsing of replies.

- native: the provider's own tool calling (OpenAI, Anthropic, vLLM with a tool parser).
- text: tools described in the system prompt, calls written as JSON in the reply (small
  local models without reliable native calling); see text_codec.py.
"""

from __future__ import annotations

from typing import Any, Protocol

from reins.agent.protocols.native import NativeProtocol
from reins.agent.protocols.text import TextProtocol
from reins.models.messages import Message
from reins.profiles import Profile


class ToolProtocol(Protocol):
    name: str

    def system_section(self, schemas: list[dict[str, Any]]) -> str:
        """Text for the system prompt's $tools_section (empty for native)."""
        ...

    def render(
        self, messages: list[Message], schemas: list[dict[str, Any]]
    ) -> tuple[list[Message], list[dict[str, Any]] | None]:
        """Messages to send and the native tool specs (None: tools are in the prompt)."""
        ...

    def prefill(self, require_tool: bool, supports_prefill: bool) -> str | None:
        """How the reply starts when a call is required (text protocol only)."""
        ...

    def parse(self, message: Message, complete: bool = True) -> Message:
        """The reply with its tool calls read out of it (in place; returned for chaining).
        `complete`: False for a reply cut at the token limit (or stopped mid-loop), whose
        broken calls are not repaired."""
        ...

    def continuation(self, text: str, stops: tuple[str, ...]) -> str | None:
        """How a reply that a stop string cut inside its block goes on: its text and the
        start of the stop string it lost (a prefill for the next call, which the model
        continues); None when the reply is complete."""
        ...


def protocol_for(profile: Profile) -> ToolProtocol:
    if profile.tool_protocol == "text":
        return TextProtocol(profile.call_style, profile.tool_list, profile.prefill_calls)
    return NativeProtocol()


__all__ = ["NativeProtocol", "TextProtocol", "ToolProtocol", "protocol_for"]
