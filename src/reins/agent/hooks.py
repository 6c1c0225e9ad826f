"""Hooks: code that runs at fixed points of every step and can change what happens.

A step is: before_model → the model call → after_reply → the tool batch → after_tools.
Budgets, the finish rules, nudges and the doom-loop guard are hooks (agent/rules.py);
compaction, alerts and rollout recording plug in the same way. Every method is optional.

    class StopAfterThree(Hook):
        def before_model(self, turn, request):
            if turn.steps >= 3:
                return Stop("max_steps", "stopped after three steps")
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reins.models.messages import Message, ToolCall, Usage
from reins.tools.base import ToolResult
from reins.tools.errors import ErrorKind
from reins.tools.executor import ExecutedCall

if TYPE_CHECKING:
    from reins.agent.outcome import RunOutcome
    from reins.agent.session import Session


@dataclass(frozen=True)
class Stop:
    """Ends the turn with this status (see agent/outcome.STATUSES) and final message."""

    status: str
    final: str


@dataclass
class Turn:
    """One user request being handled: what hooks read to decide."""

    session: Session
    request: str
    number: int  # 1 for the session's first request
    started: float  # time.perf_counter()
    deadline: float | None = None  # loop.time() by which the turn must end
    steps: int = 0  # model calls so far
    tool_calls: int = 0
    usage: Usage = field(default_factory=Usage)
    attached: dict[str, int] = field(default_factory=dict)  # files attached to the request
    cut: set[str] = field(default_factory=set)  # of those, the ones shown only in part
    pending_tests: str | None = None  # a test command to run before the first model call
    prepared: bool = False  # the hooks' before_first_call has run
    located: set[str] = field(default_factory=set)  # files where the request's code names are
    # the run of the request's test command before the first step (run_tests_first):
    # (command, exit code, output)
    tests_before: tuple[str, int, str] | None = None
    # the test runs reins made itself (after a write), newest last: (command, exit code, output)
    test_runs: list[tuple[str, int, str]] = field(default_factory=list)
    # the last reply's alternatives (ModelReply.alternatives: where the model could as well
    # have written another token); empty for models that do not give them
    alternatives: list[tuple[int, str, float]] = field(default_factory=list)

    def notice(self, text: str) -> None:
        """Tell the person (a front end shows it; the log does not keep it)."""
        self.session.notice(text)


@dataclass
class ModelRequest:
    """What the next model call sends; hooks may change it. `messages` is the history as
    the model will see it (a copy of the list: replacing entries does not rewrite the log)."""

    messages: list[Message]
    require_tool: bool = False  # native: tool_choice=required; text protocol: prefill
    prefill: str | None = None  # how the reply starts (models that support it); None: the
    # protocol's opener when a call is required
    temperature: float | None = None  # this call only (a resample); None: the profile's
    max_tokens: int | None = None  # this call only (a short reply); None: the profile's


@dataclass
class StepPlan:
    """What happens after a reply; after_reply hooks edit it, after_tools hooks see it."""

    reply: Message
    run: list[ToolCall]  # calls to execute
    answered: list[ExecutedCall] = field(default_factory=list)  # answered without running
    nudge: str | None = None  # a user message to add after the results (asks for more)
    note: str = ""  # appended to the last result the model sees
    stop: Stop | None = None
    # Take this step (the reply and its results) out of the context and show this hint on
    # the next call instead; the log keeps the step.
    erase: str | None = None
    # With erase: take out everything from this earlier reply of the turn on, not only this step.
    erase_from: Message | None = None
    # The reply was cut at the token limit or stopped mid-loop: its last call is incomplete.
    cut: bool = False


class Hook:
    """Subclass and override what you need. Returning a Stop from before_model ends the
    turn before the call; after_reply and after_tools set `plan.stop` instead."""

    def on_start(self, turn: Turn) -> None:
        return None

    def before_first_call(self, turn: Turn) -> Any:
        """Once a turn, before its first model call; may be async (a hook may run a command
        while the workspace is still as the user left it)."""
        return None

    def before_model(self, turn: Turn, request: ModelRequest) -> Stop | None:
        return None

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        return None

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> Any:
        """May be async (it runs within the turn's deadline)."""
        return None

    async def at_deadline(self, turn: Turn) -> str | None:
        """The turn's deadline passed: a last chance (a few seconds) to leave the files in
        order; returns what it did, for the final message, or None."""
        return None

    def on_stop(self, turn: Turn, outcome: RunOutcome) -> None:
        return None


def answered(call: ToolCall, kind: ErrorKind, text: str) -> ExecutedCall:
    """A call the hooks answer without running it."""
    return ExecutedCall(call, ToolResult(kind, text), 0.0)


async def call_hooks_async(hooks: list[Hook], method: str, *args: Any) -> Any:
    """call_hooks for a point where hooks may be coroutines (after_tools: a hook may run
    a command, as the test-after-write rule does)."""
    for hook in hooks:
        result = getattr(hook, method)(*args)
        if inspect.isawaitable(result):
            result = await result
        if result is not None:
            return result
    return None


def call_hooks(hooks: list[Hook], method: str, *args: Any) -> Any:
    """Call `method` on each hook in order; the first non-None return wins (a Stop)."""
    for hook in hooks:
        result = getattr(hook, method)(*args)
        if result is not None:
            return result
    return None
