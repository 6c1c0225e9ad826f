"""Rich rendering of a live turn from the event record: streamed text, each tool call and
its result, notices."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from reins.agent.events import (
    Event,
    ModelCalled,
    ModelCallStarted,
    Notice,
    TextDelta,
    ToolCalled,
    ToolCallStarted,
)
from reins.models.messages import ToolCall
from reins.tools.executor import ExecutedCall

CALL_OPENERS = ("<tool_call>", "```json")  # text-protocol calls are shown as tool lines
HOLD_BACK = max(len(o) for o in CALL_OPENERS)


def short_args(call: ToolCall, limit: int = 100) -> str:
    parts = []
    for key, value in call.arguments.items():
        text = value if isinstance(value, str) else json.dumps(value)
        text = text.replace("\n", "⏎")
        parts.append(f"{key}={text[:60]}{'…' if len(text) > 60 else ''}")
    joined = " ".join(parts)
    return joined[:limit] + ("…" if len(joined) > limit else "")


class ConsoleProgress:
    """An event subscriber that streams assistant text, hiding text-protocol tool-call
    markup (shown as tool lines instead)."""

    def __init__(self, console: Console, show_stats: bool = False):
        self.console = console
        self.show_stats = show_stats
        self._buffer = ""
        self._printed = 0
        self._hidden = False

    def __call__(self, event: Event) -> None:
        if isinstance(event, TextDelta):
            self.text_delta(event.text)
        elif isinstance(event, ModelCallStarted):
            self.model_started(event.step)
        elif isinstance(event, ModelCalled):
            self.model_finished(event)
        elif isinstance(event, ToolCallStarted):
            self.tool_started(event.call)
        elif isinstance(event, ToolCalled):
            self.tool_finished(event.executed)
        elif isinstance(event, Notice):
            self.notice(event.text)

    def model_started(self, step: int) -> None:
        self._buffer, self._printed, self._hidden = "", 0, False
        self.console.print(f"[dim]── step {step} ──[/dim]")

    def text_delta(self, text: str) -> None:
        if self._hidden:
            return
        self._buffer += text
        cuts = [i for i in (self._buffer.find(o) for o in CALL_OPENERS) if i != -1]
        if cuts:
            self._hidden = True
            safe_end = max(self._printed, min(cuts))
        else:  # hold back a possible partial opener at the end
            safe_end = max(self._printed, len(self._buffer) - HOLD_BACK)
        chunk = self._buffer[self._printed : safe_end]
        if chunk:
            self.console.print(chunk, end="", markup=False, highlight=False)
            self._printed = safe_end

    def model_finished(self, reply: ModelCalled) -> None:
        if not self._hidden:
            rest = self._buffer[self._printed :]
            if rest:
                self.console.print(rest, end="", markup=False, highlight=False)
                self._printed = len(self._buffer)
        if self._buffer[: self._printed].strip():
            self.console.print()
        if self.show_stats and reply.stats.get("prompt_eval_tokens") is not None:
            s = reply.stats
            self.console.print(
                f"[dim]  model: {int(s['prompt_eval_tokens'])} new prompt tokens "
                f"({s['prefill_tok_s']:.0f} tok/s), {reply.usage.output_tokens} generated "
                f"({s['generation_tok_s']:.1f} tok/s)[/dim]"
            )

    def tool_started(self, call: ToolCall) -> None:
        self.console.print(
            f"[cyan]▸ {escape(call.name)}[/cyan] [dim]{escape(short_args(call))}[/dim]"
        )

    def tool_finished(self, item: ExecutedCall) -> None:
        result = item.result
        first = result.output.strip().splitlines()[0] if result.output.strip() else ""
        first = first[:120]
        if result.ok and item.call.name == "todo_write":
            self.console.print(escape(result.output))
        elif result.ok:
            lines = result.output.count("\n") + 1
            self.console.print(
                f"  [green]✓[/green] [dim]{escape(first)} ({lines} lines, {item.duration_s:.2f}s)[/dim]"
            )
        else:
            self.console.print(f"  [red]✗ {result.kind.value}[/red] [dim]{escape(first)}[/dim]")

    def notice(self, text: str) -> None:
        self.console.print(f"[yellow]{escape(text)}[/yellow]")
