"""Session: the turn loop. Build context, call the model, run its tool calls, repeat."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from reins.agent.context import ContextBuilder
from reins.agent.doom_loop import WARNING, DoomLoopGuard, Verdict
from reins.agent.events import SessionEvents
from reins.agent.outcome import Budget, RunOutcome
from reins.models.client import ModelClient, ProviderError
from reins.models.messages import Message, ModelReply, ReasoningDelta, ReplyDone, TextDelta, Usage
from reins.models.retry import stream_with_retries
from reins.profiles import Profile
from reins.profiles.text_protocol import PREFILL, close_open_call, parse_tool_calls
from reins.store import SessionStore, StoreError
from reins.tools.base import ToolResult
from reins.tools.errors import ErrorKind
from reins.tools.executor import ExecutedCall, ToolExecutor, arguments_json

STREAM_FAILURES = ("truncated", "malformed", "connection")
FINISH_NUDGE = "Reply with a tool call. When the task is done, call finish with a summary."
FINISH_ALONE = "not run: call finish alone, after you have seen the results of your other calls"
NOT_RUN = "not run: make one tool call per reply and wait for its result before the next"
NO_TOOL_NUDGE = (
    "You have not called any tool yet, so nothing has been checked or changed. "
    "Do the task now by calling tools, one <tool_call> at a time."
)


@dataclass
class TurnState:
    started: float = field(default_factory=time.perf_counter)
    steps: int = 0
    tool_calls: int = 0
    usage: Usage = field(default_factory=Usage)


class Session:
    def __init__(
        self,
        *,
        session_id: str,
        model: ModelClient,
        profile: Profile,
        executor: ToolExecutor,
        store: SessionStore,
        history: list[Message],
        tracer,
        budget: Budget | None = None,
        events: SessionEvents | None = None,
        model_retries: int = 2,
    ):
        self.id = session_id
        self.model = model
        self.profile = profile
        self.executor = executor
        self.store = store
        self.history = history  # history[0] is the system prompt
        self.tracer = tracer
        self.budget = budget or Budget()
        self.events = events or SessionEvents()
        self.context = ContextBuilder(profile, executor.schemas())
        self.model_retries = model_retries  # whole-reply retries after a stream broke
        self._expired = False  # the turn's deadline cancelled it

    def switch_model(self, model: ModelClient, profile: Profile, system_prompt: str) -> None:
        """Keep the history; re-render the system prompt for the new profile."""
        self.model, self.profile = model, profile
        self.context = ContextBuilder(profile, self.executor.schemas())
        self.history[0] = Message("system", system_prompt)
        self.store.set_model(self.id, model.model, profile.name)

    def _append(self, message: Message) -> None:
        self.history.append(message)
        self.store.add_message(self.id, message)

    async def run_turn(self, request: str, *, deadline: float | None = None) -> RunOutcome:
        """Handle one user request until the model ends its turn or a budget stops it.
        `deadline` (loop.time()) bounds the whole turn, model calls and tools included;
        by default it is max_wall_s from now."""
        state = TurnState()
        loop = asyncio.get_running_loop()
        if deadline is None and self.budget.max_wall_s is not None:
            deadline = loop.time() + self.budget.max_wall_s
        self._expired = False
        timer = None
        if deadline is not None:
            timer = loop.call_at(deadline, self._expire, asyncio.current_task())
        try:
            with self.tracer.start_as_current_span("invoke_agent") as span:
                span.set_attribute("gen_ai.operation.name", "invoke_agent")
                span.set_attribute("gen_ai.agent.name", "reins")
                span.set_attribute("gen_ai.conversation.id", self.id)
                status, final = await self._start_and_loop(request, state)
                if status != "completed":
                    span.set_attribute("error.type", status)
        finally:
            if timer is not None:
                timer.cancel()
        try:
            self.store.set_status(self.id, status)
        except StoreError as error:
            status, final = "error", f"{final}\n(the session log could not be updated: {error})"
        return RunOutcome(
            session_id=self.id,
            status=status,
            steps=state.steps,
            tool_calls=state.tool_calls,
            tokens_in=state.usage.input_tokens,
            tokens_out=state.usage.output_tokens,
            wall_s=round(time.perf_counter() - state.started, 3),
            final_message=final,
        )

    def _expire(self, task: asyncio.Task | None) -> None:
        self._expired = True
        if task is not None:
            task.cancel()

    async def _start_and_loop(self, request: str, state: TurnState) -> tuple[str, str]:
        try:
            self._append(Message("user", request))
            self.store.claim(self.id)
        except StoreError as error:
            self.events.notice(f"session log error: {error}")
            return "error", f"the session log failed: {error}"
        return await self._loop(state)

    async def _loop(self, state: TurnState) -> tuple[str, str]:
        guard = DoomLoopGuard()
        unanswered: list = []  # calls of the current reply that have no result yet
        nudged = False
        try:
            while True:
                stop = self._budget_stop(state)
                if stop:
                    return stop
                state.steps += 1
                self.store.heartbeat(self.id)
                reply = await self._call_model(state, require_tool=self._must_call_tool(state))
                message = reply.message
                if self.context.text_protocol and not message.tool_calls:
                    message.raw = close_open_call(message.raw or message.content)
                    message.content, message.tool_calls = parse_tool_calls(message.raw)
                self._append(message)
                calls = message.tool_calls
                offers_finish = "finish" in self.executor.tools
                if (
                    calls
                    and offers_finish
                    and calls[0].name == "finish"
                    and (len(calls) == 1 or self.profile.one_call_per_turn)
                ):
                    finish = calls[0]
                    self._record_tools(
                        state, [self._finished(finish)] + [self._not_run(c) for c in calls[1:]]
                    )
                    return "completed", str(finish.arguments.get("summary") or message.content)
                if not message.tool_calls:
                    if self.profile.finish_tool:
                        self._append(Message("user", FINISH_NUDGE))
                        continue
                    if self.profile.require_tool_use and state.tool_calls == 0 and not nudged:
                        nudged = True
                        self.events.notice("the model answered without using a tool; asking it to")
                        self._append(Message("user", NO_TOOL_NUDGE))
                        continue
                    return "completed", message.content
                unanswered = list(calls)
                # finish must come alone; where it is not offered, it is an unknown tool
                pending = [c for c in calls if c.name != "finish" or not offers_finish]
                skipped = [c for c in calls if c.name == "finish" and offers_finish]
                if self.profile.one_call_per_turn and len(pending) > 1:
                    pending, skipped = pending[:1], pending[1:] + skipped
                for call in pending:
                    self.events.tool_started(call)
                executed = await self.executor.run_batch(pending)
                executed += [self._not_run(c) for c in skipped]
                unanswered = []
                verdict, streak = guard.observe(executed)
                note = (
                    WARNING.format(n=streak) if verdict is Verdict.WARN else guard.streak_warning()
                )
                self._record_tools(state, executed, note=note)
                if verdict is Verdict.STOP:
                    text = f"stopped: the same failing tool call was repeated {streak} times"
                    self.events.notice(text)
                    return "error", text
        except asyncio.CancelledError:
            expired = self._expired
            if expired:  # our own deadline, not the person: carry on to record the results
                asyncio.current_task().uncancel()
            try:
                if unanswered:  # every call gets a result, so the history stays valid to resume
                    self._record_tools(
                        state, self.executor.aborted_results(unanswered, timed_out=expired)
                    )
            except StoreError as error:
                self.events.notice(f"session log error: {error}")
            if expired:
                text = "stopped: the wall-time budget ran out" + (
                    f" ({self.budget.max_wall_s:g} s)" if self.budget.max_wall_s else ""
                )
                self.events.notice(text)
                return "budget", text
            self.events.notice("aborted by the user")
            return "aborted", "aborted by the user"
        except ProviderError as error:
            self.events.notice(f"model error: {error}")
            return "error", f"model error: {error}"
        except StoreError as error:
            self.events.notice(f"session log error: {error}")
            return "error", f"the session log failed: {error}"

    @staticmethod
    def _not_run(call) -> ExecutedCall:
        text = FINISH_ALONE if call.name == "finish" else NOT_RUN
        return ExecutedCall(call, ToolResult(ErrorKind.INVALID_ARGUMENTS, text), 0.0)

    @staticmethod
    def _finished(call) -> ExecutedCall:
        return ExecutedCall(call, ToolResult(ErrorKind.OK, "turn finished"), 0.0)

    def _must_call_tool(self, state: TurnState) -> bool:
        """Profiles that ask for it get tool_choice required (native) or a reply prefilled
        with the call opener (text protocol): on every step with a finish tool, else until
        the model has used a tool this turn."""
        if self.profile.finish_tool:
            return True
        return self.profile.require_tool_use and state.tool_calls == 0

    def _budget_stop(self, state: TurnState) -> tuple[str, str] | None:
        b = self.budget
        if state.steps >= b.max_steps:
            return "max_steps", f"stopped after {state.steps} steps (--max-steps)"
        used = state.usage.input_tokens + state.usage.output_tokens
        if b.max_tokens is not None and used >= b.max_tokens:
            return "budget", f"stopped: token budget {b.max_tokens} used ({used})"
        elapsed = time.perf_counter() - state.started
        if b.max_wall_s is not None and elapsed >= b.max_wall_s:
            return "budget", f"stopped: wall-time budget {b.max_wall_s:g} s used"
        return None

    async def _call_model(self, state: TurnState, require_tool: bool = False) -> ModelReply:
        messages, tools = self.context.build(self.history)
        prefill = None
        if require_tool and self.context.text_protocol and self.model.supports_prefill:
            prefill = PREFILL[self.profile.call_style]
        self.events.model_started(state.steps)
        start = time.perf_counter()
        with self.tracer.start_as_current_span(f"chat {self.model.model}") as span:
            span.set_attribute("gen_ai.operation.name", "chat")
            span.set_attribute("gen_ai.request.model", self.model.model)
            reply = None
            try:
                stream = stream_with_retries(
                    lambda: self.model.stream(
                        messages, tools, require_tool=require_tool, prefill=prefill
                    ),
                    max_retries=self.model_retries,
                    on_retry=self._retrying,
                    # The SDK retried HTTP errors, time-outs and refused connections already;
                    # what is left to retry here is a stream that broke off or garbled.
                    should_retry=lambda error: error.reason in STREAM_FAILURES,
                )
                async for event in stream:
                    if isinstance(event, TextDelta):
                        self.events.text_delta(event.text)
                    elif isinstance(event, ReasoningDelta):
                        pass  # kept on the reply; not shown as answer text
                    elif isinstance(event, ReplyDone):
                        reply = event.reply
                if reply is None:
                    raise ProviderError("the model stream ended without a reply")
            except ProviderError as error:
                span.set_attribute("error.type", "ProviderError")
                self.store.add_model_call(
                    self.id, state.steps, self.model.model, Usage(), time.perf_counter() - start,
                    error=str(error),
                )  # fmt: skip
                raise
            latency = time.perf_counter() - start
            span.set_attribute("gen_ai.response.model", reply.model)
            span.set_attribute("gen_ai.usage.input_tokens", reply.usage.input_tokens)
            span.set_attribute("gen_ai.usage.output_tokens", reply.usage.output_tokens)
            if reply.finish_reason:
                span.set_attribute("gen_ai.response.finish_reasons", [reply.finish_reason])
        state.usage = state.usage + reply.usage
        cost = 0.0 if self.model.model.startswith("local:") else None
        self.store.add_model_call(
            self.id, state.steps, reply.model, reply.usage, latency,
            cost_usd=cost, finish_reason=reply.finish_reason, stats=reply.stats or None,
        )  # fmt: skip
        self.events.model_finished(reply)
        return reply

    def _retrying(self, attempt: int, error: ProviderError, delay_s: float) -> None:
        self.events.notice(
            f"model call failed ({error}); retrying in {delay_s:.1f} s (retry {attempt} of "
            f"{self.model_retries})"
        )

    def _record_tools(self, state: TurnState, executed: list[ExecutedCall], note: str = "") -> None:
        """Append each result as a tool message and log it; `note` goes on the last one."""
        for index, item in enumerate(executed):
            state.tool_calls += 1
            output = item.result.output
            if note and index == len(executed) - 1:
                output += note
            self._append(Message("tool", output, tool_call_id=item.call.id, name=item.call.name))
            self.store.add_tool_call(
                self.id, state.steps, item.call.id, item.call.name, arguments_json(item.call),
                item.result.kind.value, item.duration_s, len(item.result.output), item.result.detail,
            )  # fmt: skip
            self.events.tool_finished(item)
