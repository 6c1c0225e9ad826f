"""Hooks that keep a small model's coding loop on track; each is a profile switch.

- EraseRepeats (`erase_repeats`): a call that repeats an earlier one with the same result
  (a re-read of an unchanged file, the same failing edit) is taken out of the context and
  the model is asked again with a one-line hint, instead of stacking copies the model then
  imitates. The session log keeps the erased exchange.
- VerifyFinish (`verify_finish`): `finish` right after a failing command, or after changes
  that were never run when the request names a test command, is answered with what is
  wrong and the turn goes on (at most MAX_FINISH_PUSHBACKS times a turn).
- WriteFirst (`write_first_kb`, files call style): a request that names exactly one small
  file (a stub to fill in, a short module to change) gets its first reply started as that
  file's block, so the model writes the new version at once, as it would for aider, instead
  of wandering through tools first. When the request names a test command the loop goes
  on (run it, fix, finish) with the tools; when it names none there is nothing to check
  the file against, and the turn ends with the write: small models left to go on wander
  (git commit, git push, rewrite) until the budget runs out.
"""

from __future__ import annotations

import re

from reins.agent.attachments import block_opener
from reins.agent.doom_loop import signature
from reins.agent.hooks import Hook, ModelRequest, StepPlan, Stop, Turn, answered
from reins.tools.errors import ErrorKind
from reins.tools.executor import ExecutedCall
from reins.tools.files import NO_CHANGE

EDIT_TOOLS = ("write_file", "edit_file", "apply_patch")
MAX_ERASES = 8  # a turn's budget of erasures; past it the doom-loop guard takes over
MAX_FINISH_PUSHBACKS = 2
EXIT_CODE = re.compile(r"^exit code: (-?\d+)")
# A request that names how to test: the model is expected to have run something.
TEST_COMMAND = re.compile(
    r"\b(pytest|python3? -m (?:pytest|unittest)|npm (?:run )?test|cargo test|go test|"
    r"make (?:test|check)|tox|nox|jest|mvn test|gradle test)\b"
)


def _first_line(text: str, limit: int = 200) -> str:
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    return line[:limit]


class EraseRepeats(Hook):
    def on_start(self, turn: Turn) -> None:
        self.results: dict[str, int] = {}  # call signature -> hash of its last result
        self.erased = 0

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        hint = None
        for item in executed:
            sig, result = signature(item), hash((item.result.kind, item.result.output))
            if self.results.get(sig) == result and hint is None:
                hint = self._hint(item)
            if _changes_files(item):
                # files may have changed: what was read or run before is not repeated now
                self.results.clear()
            self.results[sig] = result
        if hint is not None and self.erased < MAX_ERASES:
            self.erased += 1
            turn.notice("the model repeated a call with the same result; asking again")
            plan.erase = hint

    @staticmethod
    def _hint(item: ExecutedCall) -> str:
        call = item.call
        if call.name == "read_file" and item.result.ok:
            path = call.arguments.get("path", "the file")
            return (
                f"You already have the content of {path} above and it has not changed. "
                "Do not read it again: make your change now (write_file with the whole new "
                "file, or edit_file)."
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
        self.last_exit: int | None = None  # of the last run_command, None before any
        self.last_output = ""
        self.changed_since_run = False
        self.names_tests = bool(TEST_COMMAND.search(turn.request))

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        finishes = [c for c in plan.run if c.name == "finish"]
        if not finishes or plan.run[0].name != "finish" or self.pushbacks >= MAX_FINISH_PUSHBACKS:
            return
        reason = self._not_done()
        if reason is None:
            return
        self.pushbacks += 1
        call, plan.run = plan.run[0], plan.run[1:]
        plan.answered.append(answered(call, ErrorKind.INVALID_ARGUMENTS, reason))

    def _not_done(self) -> str | None:
        if self.last_exit not in (None, 0) and not self.changed_since_run:
            return (
                f"not finished: your last command failed (exit code {self.last_exit}):\n"
                f"{self.last_output[-1500:]}\nFix the cause, run it again, then call finish."
            )
        if self.changed_since_run and self.names_tests:
            return (
                "not finished: you changed files after your last test run (or never ran the "
                "tests). Run the tests now; call finish once they pass."
            )
        return None

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        for item in executed:
            name = item.call.name
            if name in EDIT_TOOLS and _changes_files(item):
                self.changed_since_run = True
            elif name == "run_command" and item.result.ok:
                match = EXIT_CODE.match(item.result.output)
                if match:
                    self.last_exit = int(match.group(1))
                    self.last_output = item.result.output
                    self.changed_since_run = False


class WriteFirst(Hook):
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes

    def on_start(self, turn: Turn) -> None:
        self.path: str | None = None

    def before_model(self, turn: Turn, request: ModelRequest) -> None:
        if turn.steps != 0 or len(turn.attached) != 1:
            return None
        ((path, size),) = turn.attached.items()
        if size <= self.max_bytes:
            self.path = path
            request.prefill = block_opener(path)
        return None

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        if self.path is None or turn.steps != 1 or TEST_COMMAND.search(turn.request):
            return
        wrote = [i for i in executed if i.call.name == "write_file" and i.result.ok]
        if wrote and wrote[0].call.arguments.get("path") == self.path:
            plan.stop = Stop("completed", f"wrote {self.path}")
