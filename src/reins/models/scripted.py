"""scripted:FILE.jsonl — replays recorded assistant turns. For tests and reproducible demos only.

One JSON object per line: {"content": ..., "tool_calls": [{"name": ..., "arguments": {...}}]},
and optionally "delay_s": seconds to wait before the reply, as a remote model would (the
bench's throughput benchmark uses it for an agent that waits rather than computes).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from reins.models.messages import (
    Message,
    ModelReply,
    ReplyDone,
    StreamEvent,
    TextDelta,
    ToolCall,
    Usage,
)


class ScriptError(ValueError):
    pass


def load_script(path: str | Path) -> list[Message]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ScriptError(f"cannot read scripted model file {path}: {error}") from error
    turns = []
    delays = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            calls = [
                ToolCall(name=c["name"], arguments=c.get("arguments", {}))
                for c in data.get("tool_calls") or []
            ]
            turns.append(Message("assistant", str(data.get("content", "")), tool_calls=calls))
            delays.append(float(data.get("delay_s", 0.0)))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError) as error:
            raise ScriptError(f"{path}:{number}: not a valid scripted turn: {error}") from error
    return turns, delays


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4) if text else 0


class ScriptedClient:
    """Each stream() call returns the next recorded turn; when exhausted, an empty final turn."""

    supports_native_tools = True
    supports_prefill = False

    def __init__(self, path: str | Path):
        self.model = f"scripted:{Path(path).name}"
        self.turns, self.delays = load_script(path)
        self.position = 0

    async def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        require_tool: bool = False,
        prefill: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncIterator[StreamEvent]:
        prompt_tokens = sum(estimate_tokens(m.content) for m in messages)
        if self.position < len(self.turns):
            turn = self.turns[self.position]
            if self.delays[self.position] > 0:
                await asyncio.sleep(self.delays[self.position])
            self.position += 1
            finish = "tool_calls" if turn.tool_calls else "stop"
        else:
            turn = Message("assistant", "")
            finish = "script_exhausted"
        if turn.content:
            yield TextDelta(turn.content)
        # Fresh ids per replay so a script can be run many times in one session.
        message = Message(
            "assistant",
            turn.content,
            tool_calls=[ToolCall(c.name, dict(c.arguments)) for c in turn.tool_calls],
        )
        usage = Usage(prompt_tokens, estimate_tokens(turn.content) + 8 * len(turn.tool_calls))
        yield ReplyDone(ModelReply(message, usage, self.model, finish))

    async def close(self) -> None:
        return None
