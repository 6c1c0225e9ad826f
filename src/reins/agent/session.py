"""Session: the turn loop. Ask the model, run its tool calls, repeat until a hook or the
reply ends the turn.

    outcome = await session.run("fix the failing test")        # a whole turn
    session.begin("fix it"); while not (stop := await session.step()): ...   # step by step
    outcome = session.end(stop)

Everything that happens is recorded as an event (agent/events.py): the log, the tracer and
the front end subscribe to the recorder. What the loop decides beyond "ask, run, repeat"
lives in hooks (agent/hooks.py, agent/rules.py); how calls are written, in the protocol
(agent/protocols/).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from reins.agent.api_from_tests import api_section
from reins.agent.attachments import attach_files, attach_paths, code_files, new_files
from reins.agent.events import (
    HistoryCompacted,
    MessageAdded,
    ModelCalled,
    ModelCallStarted,
    Notice,
    Recorder,
    StepErased,
    SystemPromptSet,
    TextDelta,
    ToolCalled,
    ToolCallStarted,
    TurnEnded,
    TurnStarted,
)
from reins.agent.hooks import Hook, ModelRequest, StepPlan, Stop, Turn, call_hooks, call_hooks_async
from reins.agent.name_sites import name_sites
from reins.agent.outcome import Budget, RunOutcome
from reins.agent.output_paths import module_hint
from reins.agent.preflight import run_tests_first
from reins.agent.protocols import ToolProtocol, protocol_for
from reins.agent.quoted_sites import HEADER as QUOTED_HEADER
from reins.agent.quoted_sites import quoted_sites
from reins.agent.request_shape import is_question, test_command
from reins.agent.rules import default_hooks
from reins.agent.sole_file import HEADER as SOLE_HEADER
from reins.agent.sole_file import sole_code_file
from reins.index.chunker import language_for
from reins.models.client import ModelClient, ProviderError
from reins.models.messages import Message, ModelReply, ReplyDone, Usage
from reins.models.messages import TextDelta as StreamText
from reins.models.pricing import PriceTable
from reins.models.retry import stream_with_retries
from reins.profiles import Profile
from reins.store import StoreError
from reins.tools.executor import ExecutedCall, ToolExecutor

# The SDK retried HTTP errors, time-outs and refused connections already; what is left
# to retry here is a reply stream that broke off or garbled.
STREAM_FAILURES = ("truncated", "malformed", "connection")
MAX_CONTINUATIONS = 8  # a cut reply goes on this often (a README with eight examples)
# Past the deadline, for hooks to leave the files in order (a better version written back).
AT_DEADLINE_S = 5.0

log = logging.getLogger("reins.session")


# How a reply ends when the model did not end it: its last call may be cut anywhere
CUT_SHORT = ("length", "max_tokens", "repetition")


class Session:
    def __init__(
        self,
        *,
        session_id: str,
        model: ModelClient,
        profile: Profile,
        executor: ToolExecutor,
        history: list[Message],
        recorder: Recorder,
        budget: Budget | None = None,
        hooks: list[Hook] | None = None,
        model_retries: int = 2,
        turns: int = 0,
        pricing: PriceTable | None = None,
        provider: str = "",
    ):
        self.id = session_id
        self.model = model
        self.profile = profile
        self.executor = executor
        self.history = history  # history[0] is the system prompt
        self.recorder = recorder
        self.budget = budget or Budget()
        self.extra_hooks = list(hooks or [])  # the caller's, after the profile's own rules
        self.model_retries = model_retries  # whole-reply retries after a stream broke
        self.turns = turns  # requests handled so far (a resumed session continues the count)
        self.pricing = pricing or PriceTable()  # what each call cost (ModelCalled.cost_usd)
        self.provider = provider  # the model spec's provider, for provider-specific prices
        self.turn: Turn | None = None
        self.hint: str | None = None  # shown on the next model call only (see StepPlan.erase)
        # What close() closes, in order: the tools' resources, the model, the sandbox…
        self.on_close: list[Callable[[], Any]] = []
        self._use_profile(profile)

    def _use_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.protocol: ToolProtocol = protocol_for(profile)
        offers_finish = "finish" in self.executor.tools
        self.hooks = default_hooks(profile, self.budget, offers_finish) + self.extra_hooks

    # --- recording ------------------------------------------------------------------

    def record(self, event) -> None:
        self.recorder.record(event)

    def notice(self, text: str) -> None:
        self.record(Notice(session_id=self.id, text=text))

    def add_message(self, message: Message) -> None:
        self.history.append(message)
        self.record(MessageAdded(session_id=self.id, message=message))

    def set_system_prompt(self, prompt: str) -> None:
        """Place (or replace) history[0]; recorded, so the log shows what the model saw."""
        message = Message("system", prompt)
        if self.history and self.history[0].role == "system":
            self.history[0] = message
        else:
            self.history.insert(0, message)
        digest = self.profile.digest() if hasattr(self.profile, "digest") else ""
        self.record(SystemPromptSet(session_id=self.id, prompt=prompt, model=self.model.model,
                                    profile=self.profile.name, profile_digest=digest))  # fmt: skip

    def replace_history(self, messages: list[Message]) -> int:
        """Between turns: everything after the system prompt leaves the context (the log
        keeps it, marked erased) and `messages` take its place. Returns how many left."""
        if self.turn is not None:
            raise RuntimeError("the history cannot be replaced during a turn")
        dropped = len(self.history) - 1
        del self.history[1:]
        self.record(HistoryCompacted(session_id=self.id, messages=dropped))
        self.record_prompt_again()
        for message in messages:
            self.add_message(message)
        return dropped

    def record_prompt_again(self) -> None:
        """Log the current system prompt anew (the old row is marked erased with the rest)."""
        if self.history and self.history[0].role == "system":
            self.set_system_prompt(self.history[0].content)

    def switch_model(
        self, model: ModelClient, profile: Profile, executor: ToolExecutor, system_prompt: str
    ) -> None:
        """Keep the history; take the new model's profile, tools, rules and prompt."""
        self.model, self.executor = model, executor
        self._use_profile(profile)
        self.set_system_prompt(system_prompt)

    async def close(self, timeout_s: float = 10.0) -> None:
        """Close what the session holds. A part that does not close in time (a model thread
        that cannot be interrupted) is left to process exit; plain functions always run."""
        deadline = time.monotonic() + timeout_s
        for closer in self.on_close:
            try:
                if inspect.iscoroutinefunction(closer):
                    left = deadline - time.monotonic()
                    if left > 0:
                        await asyncio.wait_for(closer(), left)
                else:
                    closer()
            except (TimeoutError, Exception):  # closing must finish whatever one part does
                log.exception("closing %r failed", closer)

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # --- a turn ---------------------------------------------------------------------

    async def run(self, request: str, *, deadline: float | None = None) -> RunOutcome:
        """Handle one user request until the model ends its turn, a hook stops it, the
        person aborts it (cancel the task) or `deadline` (loop.time()) passes. By default
        the deadline is max_wall_s from now."""
        try:
            self.begin(request, deadline=deadline)
        except StoreError as error:
            return self._failed_start(request, error)
        stop: Stop | None = None
        try:
            while stop is None:
                stop = await self.step()
        except asyncio.CancelledError as cancelled:
            # task.cancel(msg) says why (e.g. "terminated by SIGTERM"); a bare cancel is
            # the person's Ctrl-C
            why = str(cancelled.args[0]) if cancelled.args else "aborted by the user"
            self.notice(why)
            stop = Stop("aborted", why)
        return self.end(stop)

    def begin(self, request: str, *, deadline: float | None = None) -> Turn:
        if deadline is None and self.budget.max_wall_s is not None:
            deadline = asyncio.get_running_loop().time() + self.budget.max_wall_s
        self.turns += 1
        turn = Turn(self, request, self.turns, time.perf_counter(), deadline)
        self.turn = turn
        for hook in self.hooks:
            hook.on_start(turn)
        self.record(TurnStarted(session_id=self.id, turn=turn.number, request=request))
        if self.profile.attach_files_kb > 0:
            budget = self.profile.attach_files_kb * 1024
            request, turn.attached = attach_files(
                request, self.executor.ctx, budget, tests=self.profile.attach_tests,
                cut=turn.cut,
            )  # fmt: skip
            if self.profile.attach_quoted and not code_files(turn.attached):
                request = self._attach_quoted(turn, request, budget)
            # the request's own command (the sections added below are reins' words, not its)
            command = test_command(request) if self.profile.run_tests_first else None
            if self.profile.attach_sole_file and not code_files(turn.attached) and not command:
                # (a test command run first attaches the code its failure points at)
                request = self._attach_sole_file(turn, request, budget)
            if hint := module_hint(turn.request, self.executor.ctx):  # a pasted traceback
                request += "\n\n" + hint
            if self.profile.locate_names:
                shown = set(turn.attached) - turn.cut
                section, turn.located = name_sites(
                    turn.request, self.executor.ctx.workspace.root, shown
                )
                request += section
            if self.profile.test_api:  # last: nearest to the reply that writes the file
                request += api_section(turn.attached, self.executor.ctx)
            if command and not code_files(turn.attached):
                turn.pending_tests = command  # where the code is: unsaid
        self.add_message(Message("user", request))
        return turn

    def end(self, stop: Stop) -> RunOutcome:
        turn = self._current()
        outcome = RunOutcome(
            session_id=self.id, status=stop.status, steps=turn.steps,
            tool_calls=turn.tool_calls, tokens_in=turn.usage.input_tokens,
            tokens_out=turn.usage.output_tokens,
            wall_s=round(time.perf_counter() - turn.started, 3), final_message=stop.final,
        )  # fmt: skip
        for hook in self.hooks:
            hook.on_stop(turn, outcome)
        try:
            self.record(TurnEnded(session_id=self.id, turn=turn.number, outcome=outcome))
        except StoreError as error:
            outcome.status = "error"
            outcome.final_message += f"\n(the session log could not be updated: {error})"
        self.turn = None
        return outcome

    async def step(self) -> Stop | None:
        """One model call and its tool calls. Returns a Stop when the turn is over, None
        to go on. Cancelling it (Ctrl-C) answers the calls in flight as UserAborted and
        re-raises; the deadline answers them as Timeout and returns a `budget` Stop."""
        turn = self._current()
        try:
            return await self._step(turn)
        except StoreError as error:
            self.notice(f"session log error: {error}")
            return Stop("error", f"the session log failed: {error}")

    async def _step(self, turn: Turn) -> Stop | None:
        if turn.pending_tests is not None and not await self._run_pending_tests(turn):
            return await self._out_of_time(turn)
        if not turn.prepared:
            turn.prepared = True
            try:
                async with asyncio.timeout_at(turn.deadline):
                    await call_hooks_async(self.hooks, "before_first_call", turn)
            except TimeoutError:
                return await self._out_of_time(turn)
        request = ModelRequest(list(self.history))
        if self.hint is not None:
            request.messages.append(Message("user", self.hint))
            self.hint = None
        stop = call_hooks(self.hooks, "before_model", turn, request)
        if stop is not None:
            return stop
        if turn.deadline is not None and asyncio.get_running_loop().time() >= turn.deadline:
            return await self._out_of_time(turn)
        turn.steps += 1
        plan: StepPlan | None = None
        tools_done = False  # past run_batch: the calls have results, only hooks were running
        try:
            async with asyncio.timeout_at(turn.deadline):
                reply = await self._call_model(turn, request)
                reply = await self._continue_cut(turn, request, reply)
                turn.alternatives = reply.alternatives
                complete = reply.finish_reason not in CUT_SHORT
                message = self.protocol.parse(reply.message, complete=complete)
                self.add_message(message)
                plan = StepPlan(message, run=list(message.tool_calls), cut=not complete)
                call_hooks(self.hooks, "after_reply", turn, plan)
                for call in plan.run:
                    self.record(ToolCallStarted(session_id=self.id, step=turn.steps, call=call))
                executed = await self.executor.run_batch(plan.run)
                tools_done = True
                await call_hooks_async(
                    self.hooks, "after_tools", turn, plan, executed + plan.answered
                )
        except TimeoutError:
            if plan is not None:
                done = executed if tools_done else []
                self._answer(
                    turn, plan, done or self.executor.aborted_results(plan.run, timed_out=True)
                )
            return await self._out_of_time(turn)
        except asyncio.CancelledError as cancelled:
            if plan is not None:  # every call gets a result, so the history stays valid
                done = executed if tools_done else []
                why = str(cancelled.args[0]) if cancelled.args else None  # "terminated by SIGTERM"
                self._answer(turn, plan, done or self.executor.aborted_results(plan.run, why=why))
            raise
        except ProviderError as error:
            self.notice(f"model error: {error}")
            return Stop("error", f"model error: {error}")
        self._answer(turn, plan, executed)
        if plan.erase is not None and plan.stop is None:
            self._erase_step(turn, plan)
        elif plan.nudge:
            self.add_message(Message("user", plan.nudge))
        if plan.stop is not None:
            return plan.stop
        if not plan.reply.tool_calls and plan.nudge is None:
            return Stop("completed", plan.reply.content)
        return None

    def _attach_quoted(self, turn: Turn, request: str, budget: int) -> str:
        """`request` with the code files where the text it quotes appears (profile
        attach_quoted), within what is left of `budget`."""
        ctx = self.executor.ctx
        paths = [
            p for p in quoted_sites(turn.request, ctx.workspace.root) if p not in turn.attached
        ]
        if not paths:
            return request
        request, found = attach_paths(
            request, paths, ctx, budget - sum(turn.attached.values()),
            self.profile.attach_tests, header=QUOTED_HEADER, cut=turn.cut,
        )  # fmt: skip
        turn.attached.update(found)
        return request

    def _attach_sole_file(self, turn: Turn, request: str, budget: int) -> str:
        """`request` with the workspace's one code file (profile attach_sole_file), when
        the request is a change that names no code file to make (`--out contacts.csv`
        names the run's output, not a file to write)."""
        ctx = self.executor.ctx
        if is_question(turn.request) or any(map(language_for, new_files(turn.request, ctx))):
            return request  # a question, or a request for a new script: not this file's change
        path = sole_code_file(ctx.workspace.root)
        if path is None or path in turn.attached:
            return request
        request, found = attach_paths(
            request, [path], ctx, budget - sum(turn.attached.values()),
            self.profile.attach_tests, header=SOLE_HEADER, cut=turn.cut,
        )  # fmt: skip
        turn.attached.update(found)
        return request

    async def _run_pending_tests(self, turn: Turn) -> bool:
        """Run the request's test command before the first model call and add its result
        (profile run_tests_first); False when the turn's deadline passed first."""
        command, turn.pending_tests = turn.pending_tests or "", None
        self.notice(f"running the request's test command first: `{command}`")
        try:
            async with asyncio.timeout_at(turn.deadline):
                text, exit_code, output = await run_tests_first(
                    command, self.executor.ctx, self.profile.attach_files_kb * 1024,
                    self.profile.attach_tests, turn.attached, turn.cut,
                    code_last=self.profile.edit_first,
                )  # fmt: skip
        except TimeoutError:
            return False
        turn.tests_before = (command, exit_code, output)
        self.add_message(Message("user", text))
        return True

    def _erase_step(self, turn: Turn, plan: StepPlan) -> None:
        """Take the reply and its results out of the context; the next call shows the hint."""
        first = plan.erase_from or plan.reply
        start = next((i for i in range(len(self.history) - 1, -1, -1)
                      if self.history[i] is first), None)  # fmt: skip
        if start is None:  # not in the context (already erased): this step only
            start = next(i for i in range(len(self.history) - 1, -1, -1)
                         if self.history[i] is plan.reply)  # fmt: skip
        count = len(self.history) - start
        del self.history[start:]
        self.hint = plan.erase
        self.record(StepErased(session_id=self.id, step=turn.steps, messages=count,
                               hint=plan.erase))  # fmt: skip

    def _current(self) -> Turn:
        if self.turn is None:
            raise RuntimeError("no turn in progress: call begin(request) first")
        return self.turn

    async def _out_of_time(self, turn: Turn) -> Stop:
        text = "stopped: the wall-time budget ran out" + (
            f" ({self.budget.max_wall_s:g} s)" if self.budget.max_wall_s else ""
        )
        self.notice(text)
        try:  # a few seconds past the deadline, for a hook to leave the files in order
            async with asyncio.timeout(AT_DEADLINE_S):
                for hook in self.hooks:
                    if said := await hook.at_deadline(turn):
                        text += f"\n{said}"
        except TimeoutError:
            self.notice("a hook's work at the deadline was cut short")
        return Stop("budget", text)

    def _failed_start(self, request: str, error: StoreError) -> RunOutcome:
        self.turn = None
        self.notice(f"session log error: {error}")
        return RunOutcome(self.id, "error", 0, 0, 0, 0, 0.0, f"the session log failed: {error}")

    # --- the model call ----------------------------------------------------------------

    async def _continue_cut(
        self, turn: Turn, request: ModelRequest, reply: ModelReply
    ) -> ModelReply:
        """A reply its stop string cut inside a block goes on where it stopped, as the same
        reply (models that continue a prefill; each part is a model call of its own)."""
        if not self.model.supports_prefill:
            return reply
        for _ in range(MAX_CONTINUATIONS):
            if reply.finish_reason in ("length", "max_tokens", "repetition"):  # not a stop string
                break
            text = reply.message.raw or reply.message.content
            more = self.protocol.continuation(text, self.profile.stop)
            if more is None:
                break
            request = dataclasses.replace(request, prefill=more, require_tool=False)
            reply = await self._call_model(turn, request, shown=len(text))
            if (reply.message.raw or reply.message.content) == more:
                break  # nothing came after it: the reply is as complete as it gets
        return reply

    async def _call_model(self, turn: Turn, request: ModelRequest, shown: int = 0) -> ModelReply:
        """One model call. `shown`: how much of the prefill front ends have already shown
        (a continued reply); its deltas are not recorded twice."""
        messages, tools = self.protocol.render(request.messages, self.executor.schemas())
        prefill = self.protocol.prefill(request.require_tool, self.model.supports_prefill)
        if request.prefill is not None and self.model.supports_prefill:
            prefill = request.prefill
        model = self.model.model
        self.record(ModelCallStarted(session_id=self.id, step=turn.steps, model=model))
        start = time.perf_counter()
        reply = None
        try:
            stream = stream_with_retries(
                lambda: self.model.stream(
                    messages,
                    tools,
                    require_tool=request.require_tool,
                    prefill=prefill,
                    **(
                        {"temperature": request.temperature}
                        if request.temperature is not None
                        else {}
                    ),
                    **({"max_tokens": request.max_tokens} if request.max_tokens else {}),
                ),
                max_retries=self.model_retries,
                on_retry=self._retrying,
                should_retry=lambda error: error.reason in STREAM_FAILURES,
            )
            async for event in stream:
                if isinstance(event, StreamText):
                    text, shown = event.text[shown:], max(0, shown - len(event.text))
                    if text:
                        self.record(TextDelta(session_id=self.id, text=text))
                elif isinstance(event, ReplyDone):
                    reply = event.reply
            if reply is None:
                raise ProviderError(
                    "the model stream ended without a reply", retryable=True, reason="truncated"
                )
        except ProviderError as error:
            self.record(ModelCalled(
                session_id=self.id, step=turn.steps, model=model, usage=Usage(),
                latency_s=time.perf_counter() - start, error=str(error),
                error_reason=getattr(error, "reason", None),
            ))  # fmt: skip
            raise
        except asyncio.CancelledError:  # the deadline or the person: the call still counts
            self.record(ModelCalled(
                session_id=self.id, step=turn.steps, model=model, usage=Usage(),
                latency_s=time.perf_counter() - start, error="interrupted before the reply ended",
                error_reason="interrupted",
            ))  # fmt: skip
            raise
        turn.usage = turn.usage + reply.usage
        self.record(ModelCalled(
            session_id=self.id, step=turn.steps, model=reply.model, usage=reply.usage,
            latency_s=time.perf_counter() - start, finish_reason=reply.finish_reason,
            stats=reply.stats, cost_usd=self._cost(reply, model),
        ))  # fmt: skip
        return reply

    def _cost(self, reply, requested: str) -> float | None:
        """By the model the provider says answered (a dated version), else the one asked."""
        cost = self.pricing.cost(reply.model or requested, reply.usage, self.provider)
        if cost is None and reply.model and reply.model != requested:
            cost = self.pricing.cost(requested, reply.usage, self.provider)
        return cost

    def _retrying(self, attempt: int, error: ProviderError, delay_s: float) -> None:
        self.notice(
            f"model call failed ({error}); retrying in {delay_s:.1f} s (retry {attempt} of "
            f"{self.model_retries})"
        )

    # --- results -----------------------------------------------------------------------

    def _answer(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        """One tool message per call of the reply, in the reply's order; a hook's note goes
        on the last one."""
        by_id = {item.call.id: item for item in executed + plan.answered}
        order = [c.id for c in plan.reply.tool_calls if c.id in by_id]
        order += [i for i in by_id if i not in order]
        for index, call_id in enumerate(order):
            item = by_id[call_id]
            turn.tool_calls += 1
            sent = item.result.output
            if plan.note and index == len(order) - 1:
                sent += plan.note
            self.history.append(
                Message("tool", sent, tool_call_id=item.call.id, name=item.call.name)
            )
            self.record(ToolCalled(session_id=self.id, step=turn.steps, executed=item, sent=sent))
