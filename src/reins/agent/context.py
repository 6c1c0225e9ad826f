"""ContextBuilder: the system prompt once, then the history in the profile's protocol."""

from __future__ import annotations

from string import Template
from typing import Any

from reins.models.messages import Message
from reins.profiles import Profile
from reins.profiles.text_protocol import to_text_messages, tools_section


def system_prompt(profile: Profile, schemas: list[dict[str, Any]], cwd: str, static: str) -> str:
    section = tools_section(schemas, profile.call_style) if profile.tool_protocol == "text" else ""
    return (
        Template(profile.prompt_template())
        .safe_substitute(cwd=cwd, tools_section=section, context=static)
        .strip()
    )


class ContextBuilder:
    def __init__(self, profile: Profile, schemas: list[dict[str, Any]]):
        self.profile = profile
        self.schemas = schemas
        self.text_protocol = profile.tool_protocol == "text"

    def build(self, history: list[Message]) -> tuple[list[Message], list[dict[str, Any]] | None]:
        """Messages to send and the native tool specs (None for the text protocol)."""
        if self.text_protocol:
            return to_text_messages(history, self.profile.call_style), None
        return history, self.schemas
