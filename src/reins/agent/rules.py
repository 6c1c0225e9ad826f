"""The built-in hooks: budgets, when a tool call is required, the finish tool, one call per
turn, nudging a model that answers without acting, and the doom-loop guard.

Which of them a session gets follows its profile (`default_hooks`); each is a plain Hook,
so a lab variant can drop, reorder or replace any of them.
"""

from __future__ import annotations

import time

from reins.agent.broken_edits import RefuseBrokenEdits
from reins.agent.coding_rules import EraseRepeats, VerifyFinish
from reins.agent.doom_loop import WARNING, DoomLoopGuard, Verdict, signature, stable_output
from reins.agent.edit_first import EditFirst
from reins.agent.fragments import PartialWrites
from reins.agent.hooks import Hook, ModelRequest, StepPlan, Stop, Turn, answered
from reins.agent.instructions import NestedInstructions
from reins.agent.keep_files import KeepFiles
from reins.agent.missing_imports import AddMissingImports
from reins.agent.outcome import Budget
from reins.agent.regressions import UndoRegressions
from reins.agent.write_first import WriteFirst
from reins.profiles import Profile
from reins.tools.errors import ErrorKind
from reins.tools.executor import ExecutedCall

FINISH_NUDGE = "Reply with a tool call. When the task is done, call finish with a summary."
FINISH_ALONE = "not run: call finish alone, after you have seen the results of your other calls"
NOT_RUN = "not run: make one tool call per reply and wait for its result before the next"
NO_TOOL_NUDGE = (
    "You have not called any tool yet, so nothing has been checked or changed. "
    "Do the task now by calling tools, one <tool_call> at a time."
)


class Budgets(Hook):
    """Stop before a model call once the step, token or wall-time budget is used."""

    def __init__(self, budget: Budget):
        self.budget = budget

    def before_model(self, turn: Turn, request: ModelRequest) -> Stop | None:
        b = self.budget
        if turn.steps >= b.max_steps:
            return Stop("max_steps", f"stopped after {turn.steps} steps (--max-steps)")
        used = turn.usage.input_tokens + turn.usage.output_tokens
        if b.max_tokens is not None and used >= b.max_tokens:
            return Stop("budget", f"stopped: token budget {b.max_tokens} used ({used})")
        if b.max_wall_s is not None and time.perf_counter() - turn.started >= b.max_wall_s:
            return Stop("budget", f"stopped: wall-time budget {b.max_wall_s:g} s used")
        return None


class RequireToolCall(Hook):
    """Ask the model for a tool call (tool_choice=required, or a prefilled call opener):
    on every step with a finish tool, else until it has used a tool this turn."""

    def __init__(self, every_step: bool):
        self.every_step = every_step

    def before_model(self, turn: Turn, request: ModelRequest) -> None:
        request.require_tool = self.every_step or turn.tool_calls == 0


class FinishTool(Hook):
    """The turn ends when the model calls finish(summary) alone; a reply without a call is
    asked for one. finish next to other calls is answered 'call it alone'."""

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        calls = plan.run
        if not calls:
            if not plan.answered:  # a call answered by an earlier hook already says what to do
                plan.nudge = FINISH_NUDGE
            return
        finishes = [c for c in calls if c.name == "finish"]
        if not finishes:
            return
        if calls[0].name == "finish" and (
            len(calls) == 1 or turn.session.profile.one_call_per_turn
        ):
            first = calls[0]
            plan.run = []
            plan.answered += [answered(first, ErrorKind.OK, "turn finished")]
            plan.answered += [answered(c, ErrorKind.INVALID_ARGUMENTS, NOT_RUN) for c in calls[1:]]
            plan.stop = Stop("completed", str(first.arguments.get("summary") or plan.reply.content))
            return
        plan.run = [c for c in calls if c.name != "finish"]
        plan.answered += [answered(c, ErrorKind.INVALID_ARGUMENTS, FINISH_ALONE) for c in finishes]


class OneCallPerTurn(Hook):
    """Run only the first call: small models chain calls on results they never saw."""

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        if len(plan.run) > 1:
            extra, plan.run = plan.run[1:], plan.run[:1]
            plan.answered += [answered(c, ErrorKind.INVALID_ARGUMENTS, NOT_RUN) for c in extra]


class NoToolNudge(Hook):
    """Small models often "finish" without touching a tool: push back once per turn."""

    def on_start(self, turn: Turn) -> None:
        self.nudged = False

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        if plan.run or plan.answered or plan.nudge or turn.tool_calls or self.nudged:
            return
        self.nudged = True
        turn.notice("the model answered without using a tool; asking it to")
        plan.nudge = NO_TOOL_NUDGE


class DoomLoop(Hook):
    """The same failing call again and again: warn the model, then stop the turn."""

    def on_start(self, turn: Turn) -> None:
        self.guard = DoomLoopGuard()

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        verdict, streak = self.guard.observe(executed)
        plan.note += (
            WARNING.format(n=streak) if verdict is Verdict.WARN else self.guard.streak_warning()
        )
        if verdict is Verdict.STOP:
            text = f"stopped: the same failing tool call was repeated {streak} times"
            turn.notice(text)
            plan.stop = Stop("error", text)


REPEAT_NOTE = (
    "\n[reins: you already made this exact call and got this same result. Do not repeat "
    "it: act on what it shows (edit the file, or run the tests).]"
)


class RepeatNudge(Hook):
    """A call that already succeeded, made again with the same result (the file did not
    change): say so, so a model looping on read_file moves on."""

    def on_start(self, turn: Turn) -> None:
        self.seen: set[tuple[str, int]] = set()

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        for item in executed:
            if not item.result.ok:
                continue
            key = (signature(item), hash(stable_output(item.result.output)))
            if key in self.seen:
                plan.note += REPEAT_NOTE
                return
            self.seen.add(key)


def default_hooks(profile: Profile, budget: Budget, offers_finish: bool) -> list[Hook]:
    """The hooks a profile asks for, in the order they must run."""
    hooks: list[Hook] = [Budgets(budget)]
    if profile.finish_tool or profile.require_tool_use:
        hooks.append(RequireToolCall(every_step=profile.finish_tool))
    if offers_finish:
        if profile.verify_finish:  # first: it may answer the finish call itself
            hooks.append(VerifyFinish())
        hooks.append(FinishTool())
    if profile.one_call_per_turn:
        hooks.append(OneCallPerTurn())
    if profile.require_tool_use and not profile.finish_tool:
        hooks.append(NoToolNudge())
    if profile.refuse_broken_edits:  # before the doom-loop guard (it counts the refusal the
        # model reads) and before WriteFirst and EditFirst (an edit they would test is undone)
        hooks.append(RefuseBrokenEdits())
    if profile.undo_regressions:  # before the doom-loop guard: it counts an undone edit
        hooks.append(UndoRegressions(stop_when_stuck=profile.stop_when_stuck))
    hooks.append(DoomLoop())
    hooks.append(NestedInstructions())
    hooks.append(KeepFiles())  # every model: files the request says to leave alone stay
    if profile.nudge_repeats:
        hooks.append(RepeatNudge())
    if profile.erase_repeats:
        hooks.append(EraseRepeats())
    if profile.partial_writes or profile.refuse_gutting:  # before WriteFirst: it checks
        hooks.append(PartialWrites(merge=profile.partial_writes))  # what is written
    if profile.add_missing_imports:  # before WriteFirst: the tests it runs see the import
        hooks.append(AddMissingImports())
    if profile.write_first_kb > 0 and profile.call_style == "files":
        hooks.append(
            WriteFirst(
                profile.write_first_kb * 1024,
                profile.test_after_write,
                profile.test_rounds,
                fragments=profile.partial_writes,
                fresh=profile.fresh_rewrites,
                fork=profile.fork_rewrites,
                stop_when_stuck=profile.stop_when_stuck,
                keep_original=profile.restore_when_stuck,
                focus=profile.focus_failure,
                self_check=profile.self_check,
                check_rounds=profile.check_rounds,
                name_checks=profile.name_checks,
                follow_failures=profile.follow_failures,
                first_named=profile.first_named_target,
                check_output=profile.check_stated_output,
            )
        )
    if profile.edit_first and profile.call_style == "files":  # after WriteFirst: a reply
        # it starts as a file block is not an edit
        hooks.append(EditFirst(profile.test_after_write, profile.test_rounds))
    return hooks
