"""Rich rendering of a live turn from the event record: streamed text, each tool call and
its result, notices."""

from __future__ import annotations

import json
import re
import time

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.spinner import Spinner
from rich.text import Text

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
from reins.tools.errors import ErrorKind
from reins.tools.executor import ExecutedCall

CALL_OPENERS = ("<tool_call>", "```json")  # text-protocol calls are shown as tool lines
HOLD_BACK = max(len(o) for o in CALL_OPENERS)
TAIL_LINES = 5  # of a command's output, under its result line
MAX_ERROR_LINES = 20  # of a tool error: errors are shown, not cut at one line
MAX_ERROR_CHARS = 400  # per line


def short_args(call: ToolCall, limit: int = 100) -> str:
    parts = []
    for key, value in call.arguments.items():
        text = value if isinstance(value, str) else json.dumps(value)
        text = text.replace("\n", "⏎")
        parts.append(f"{key}={text[:60]}{'…' if len(text) > 60 else ''}")
    joined = " ".join(parts)
    return joined[:limit] + ("…" if len(joined) > limit else "")


class Working:
    """What the spinner says while the model works: elapsed time, and once tokens stream,
    how many and how fast (rendered afresh at every refresh of the Live display)."""

    def __init__(self):
        self.started = time.monotonic()
        self.first_token: float | None = None
        self.deltas = 0
        self.phase = "reading the prompt"

    def __rich__(self) -> Text:
        now = time.monotonic()
        text = Text(f"{self.phase} · {now - self.started:.0f}s", style="dim")
        if self.first_token is not None and now > self.first_token:
            rate = self.deltas / max(now - self.first_token, 1e-6)
            text.append(f" · {self.deltas} tokens · {rate:.1f} tok/s", style="dim")
        return text


class ConsoleProgress:
    """An event subscriber that streams assistant text, hiding text-protocol tool-call
    markup (shown as tool lines instead). On a terminal a spinner shows the elapsed time
    (and tokens/s) while the model works and nothing is printed yet."""

    def __init__(self, console: Console, show_stats: bool = False):
        self.console = console
        self.show_stats = show_stats
        self._buffer = ""
        self._printed = 0
        self._hidden = False
        self._working: Working | None = None
        self._live: Live | None = None

    def _spin(self) -> None:
        if self._live is None and self.console.is_terminal:
            self._working = self._working or Working()
            self._live = Live(
                Spinner("dots", self._working), console=self.console, transient=True,
                refresh_per_second=4,
            )  # fmt: skip
            self._live.start()

    def _stop_spinning(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

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
        self._working = Working()
        self._spin()

    def text_delta(self, text: str) -> None:
        working = self._working
        if working is not None:
            working.deltas += 1
            if working.first_token is None:
                working.first_token = time.monotonic()
                working.phase = "writing"
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
            self._stop_spinning()  # streamed text is the progress now
            self.console.print(chunk, end="", markup=False, highlight=False)
            self._printed = safe_end
        if self._hidden and working is not None:
            working.phase = "writing a tool call"
            if self._printed and self._buffer[: self._printed].strip():
                self.console.print()
                self._printed = len(self._buffer)  # a newline, then the spinner again
            self._spin()

    def model_finished(self, reply: ModelCalled) -> None:
        self._stop_spinning()
        self._working = None
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
        output = result.output.strip()
        first = output.splitlines()[0][:160] if output else ""
        took = f"{item.duration_s:.2f}s"
        if result.ok and item.call.name == "todo_write":
            self.console.print(escape(result.output))
            return
        if result.ok and item.call.name == "run_command":
            code = command_exit_code(output)
            body = output.split("\n", 1)[1] if "\n" in output else ""
            if code not in (None, 0):
                self.console.print(f"  [red]✗ exit code {code}[/red] [dim]({took})[/dim]")
            else:
                lines = body.count("\n") + 1 if body else 0
                self.console.print(
                    f"  [green]✓[/green] [dim]exit code 0 · {lines} lines · {took}[/dim]"
                )
            self._print_tail(body)
        elif result.ok:
            lines = result.output.count("\n") + 1
            size = f"{lines} lines, " if lines > 1 else ""  # one line: it is all shown
            self.console.print(f"  [green]✓[/green] [dim]{escape(first)} ({size}{took})[/dim]")
        elif result.kind is ErrorKind.USER_ABORTED:
            what = "denied" if "denied by the person" in output else "stopped"
            self.console.print(f"  [yellow]⊘ {what}[/yellow] {escape(output[:MAX_ERROR_CHARS])}")
        else:
            self.console.print(f"  [red]✗ {result.kind.value}[/red]")
            self._print_tail(output, MAX_ERROR_LINES, from_start=True)

    def _print_tail(self, text: str, lines: int = TAIL_LINES, from_start: bool = False) -> None:
        """The last (or first) few lines of an output, indented, each capped in length."""
        rows = text.rstrip().splitlines()
        if not rows:
            return
        hidden = len(rows) - lines
        shown = rows[:lines] if from_start else rows[-lines:]
        if hidden > 0 and not from_start:
            self.console.print(Text(f"    … {hidden} earlier lines", style="dim"))
        for row in shown:
            clipped = row if len(row) <= MAX_ERROR_CHARS else row[:MAX_ERROR_CHARS] + " …"
            self.console.print(Text("    " + clipped, style="dim"))
        if hidden > 0 and from_start:
            self.console.print(Text(f"    … {hidden} more lines", style="dim"))

    def notice(self, text: str) -> None:
        self._stop_spinning()
        self.console.print(f"[yellow]{escape(text)}[/yellow]")
        if self._working is not None:
            self._spin()


def command_exit_code(output: str) -> int | None:
    """run_command's results start with `exit code: N`."""
    match = re.match(r"exit code: (-?\d+)", output)
    return int(match.group(1)) if match else None
