"""Hooks that keep a small model's coding loop on track; each is a profile switch.
WriteFirst, the whole-file loop, has its own file (agent/write_first.py).

- EraseRepeats (`erase_repeats`): a call that repeats an earlier one with the same result
  (a re-read of an unchanged file, the same failing edit) is taken out of the context and
  the model is asked again with a one-line hint (after a failure, at a higher temperature),
  instead of stacking copies the model then imitates. The session log keeps the erased exchange.
- VerifyFinish (`verify_finish`): `finish` right after a failing command, or after changes
  that were never run when the request names a test command, is answered with what is
  wrong and the turn goes on (at most MAX_FINISH_PUSHBACKS times a turn; after that the
  finish ends the turn, and its final message says it is not verified).
"""

from __future__ import annotations

import re

from reins.agent.doom_loop import signature, stable_output
from reins.agent.hooks import Hook, ModelRequest, StepPlan, Stop, Turn, answered
from reins.agent.request_shape import TEST_COMMAND, is_question
from reins.agent.tree_state import fingerprint
from reins.tools.errors import ErrorKind
from reins.tools.executor import ExecutedCall
from reins.tools.files import EDIT_TOOLS, NO_CHANGE

MAX_ERASES = 8  # a turn's budget of erasures; past it the doom-loop guard takes over
MAX_FINISH_PUSHBACKS = 2
EXIT_CODE = re.compile(r"^exit code: (-?\d+)")
PYTHON_SCRIPT = re.compile(r"\s*python3?\s+((?:[\w-]+/)*\w+\.py)\b")  # python3 shipping.py …


def _first_line(text: str, limit: int = 200) -> str:
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    return line[:limit]


class EraseRepeats(Hook):
    HOT = 0.8  # a repeated failure is resampled at this temperature: at a low one, the
    # same context gives the same failing call again (seen: a blind edit_file four times)

    def on_start(self, turn: Turn) -> None:
        self.results: dict[str, int] = {}  # call signature -> hash of its last result
        self.tree: int | None = None  # the files' fingerprint before this step's commands
        self.erased = 0
        self.hints: dict[str, int] = {}  # call signature -> repeats of it erased so far
        self.hot = False

    def before_model(self, turn: Turn, request: ModelRequest) -> None:
        if self.hot:
            self.hot = False
            request.temperature = self.HOT

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        ran = any(call.name == "run_command" for call in plan.run)
        self.tree = fingerprint(turn.session.executor.ctx.workspace.root) if ran else None

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        hint, hot = None, False
        looked_only: bool | None = None  # whether this step's commands left the files as they were
        for item in executed:
            sig = signature(item)
            result = hash((item.result.kind, stable_output(item.result.output)))
            if self.results.get(sig) == result and hint is None:
                root = str(turn.session.executor.ctx.workspace.root)
                hint = self._hint(item, is_question(turn.request), root)
                self.hints[sig] = self.hints.get(sig, 0) + 1
                # a failure's repeat is resampled hotter; so is a call that worked and came
                # back after its hint: greedy, the hint alone did not change the reply
                # (seen: one command run forty times)
                hot = not item.result.ok or self.hints[sig] > 1
            if _changes_files(item):
                if item.call.name == "run_command" and looked_only is None:
                    root = turn.session.executor.ctx.workspace.root
                    looked_only = self.tree is not None and fingerprint(root) == self.tree
                if not (item.call.name == "run_command" and looked_only):
                    # files changed: what was read or run before is not a repeat now (seen
                    # without the look: two scripts run in turn forty times, never erased)
                    self.results.clear()
            self.results[sig] = result
        if hint is not None and self.erased < MAX_ERASES:
            self.erased += 1
            self.hot = hot
            turn.notice("the model repeated a call with the same result; asking again")
            plan.erase = hint

    @staticmethod
    def _hint(item: ExecutedCall, question: bool = False, root: str = "") -> str:
        """What to do instead. A request that asks (not tells), or a command that worked,
        is not told to change code: seen, asked what a function returns, the embedded
        model "changed the code the output points at" nineteen times."""
        call = item.call
        if call.name == "read_file" and item.result.ok:
            path = call.arguments.get("path", "the file")
            then = (
                "use what it shows and take the next step."
                if question
                else "make your change now (write_file with the whole new file, or edit_file)."
            )
            return (
                f"You already have the content of {path} above and it has not changed. "
                f"Do not read it again: {then}"
            )
        if call.name == "run_command" and item.result.ok:
            code = EXIT_CODE.match(item.result.output or "")
            worked = question or code is None or int(code.group(1)) == 0
            command = str(call.arguments.get("command", ""))
            if root:  # `python3 /the/workspace/shipping.py`: the same script, by its full path
                command = command.replace(root.rstrip("/") + "/", "")
            script = PYTHON_SCRIPT.match(command)
            if worked and script and item.result.output.endswith("\n(no output)"):
                module = script.group(1).removesuffix(".py").replace("/", ".")
                return (
                    "You already ran this command: it printed nothing, because running a file "
                    "does not print what its functions return. To see a value, print it: "
                    f'python3 -c "from {module} import NAME; print(NAME(...))".'
                )
            then = (
                "Do not run it again: use that output and take the next step."
                if worked
                else "Do not run it again yet: change the code the output points at first "
                "(edit_file or a file block)."
            )
            return (
                "You already ran this command, and nothing has changed since, so its output "
                f"above is still what it gives. {then}"
            )
        if item.result.ok:
            return (
                f"You already called {call.name} with these arguments and the result above "
                "has not changed. Do not repeat it: take the next step."
            )
        return (
            f"Your last {call.name} call failed the same way as before: "
            f"{_first_line(item.result.output)} Do something different this time."
        )


def _changes_files(item: ExecutedCall) -> bool:
    """After this call, what was read or run before may read or run differently."""
    if not item.result.ok or item.call.name not in (*EDIT_TOOLS, "run_command"):
        return False
    return not item.result.output.startswith(NO_CHANGE)


class VerifyFinish(Hook):
    def on_start(self, turn: Turn) -> None:
        self.pushbacks = 0
        self.last_exit: int | None = None  # of the last command run, None before any
        self.last_command = ""
        self.last_output = ""
        self.changed_since_run = False
        self.names_tests = bool(TEST_COMMAND.search(turn.request))
        self.runs_seen = 0  # of turn.test_runs
        self.unverified = ""  # why a finish let through after the pushbacks is not done

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        if len(turn.test_runs) > self.runs_seen:  # reins ran the tests after the last write
            self.runs_seen = len(turn.test_runs)
            self.last_command, self.last_exit, self.last_output = turn.test_runs[-1]
            self.changed_since_run = False
        self.unverified = ""
        finishes = [c for c in plan.run if c.name == "finish"]
        if not finishes or plan.run[0].name != "finish":
            return
        not_done = self._not_done()
        if not_done is None:
            return
        reason, unverified = not_done
        if self.pushbacks >= MAX_FINISH_PUSHBACKS:  # it ends, and the outcome says so
            self.unverified = unverified
            return
        self.pushbacks += 1
        call, plan.run = plan.run[0], plan.run[1:]
        plan.answered.append(answered(call, ErrorKind.INVALID_ARGUMENTS, reason))

    def _not_done(self) -> tuple[str, str] | None:
        """(the answer to the model's finish, the line for the person) when it is not done."""
        if self.last_exit not in (None, 0) and not self.changed_since_run:
            failed = f"the last run of `{self.last_command}` failed (exit code {self.last_exit})"
            return (
                f"not finished: {failed}:\n{self.last_output[-1500:]}\nFix the cause, run it "
                "again, then call finish.",
                f"not verified: {failed}",
            )
        if self.changed_since_run and self.names_tests:
            return (
                "not finished: you changed files after your last test run (or never ran the "
                "tests). Run the tests now; call finish once they pass.",
                "not verified: files were changed after the last test run (or the tests never ran)",
            )
        return None

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        if self.unverified and plan.stop is not None and plan.stop.status == "completed":
            # the summary is the model's ("the tests pass"); the outcome says what reins saw
            plan.stop = Stop("completed", f"{plan.stop.final}\n\n[reins: {self.unverified}]")
        for item in executed:
            name = item.call.name
            if name in EDIT_TOOLS and _changes_files(item):
                self.changed_since_run = True
            elif name == "run_command" and item.result.ok:
                match = EXIT_CODE.match(item.result.output)
                if match:
                    self.last_exit = int(match.group(1))
                    self.last_command = str(item.call.arguments.get("command", ""))
                    self.last_output = item.result.output
                    self.changed_since_run = False
