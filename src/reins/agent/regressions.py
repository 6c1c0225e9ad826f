"""UndoRegressions (profile `undo_regressions`): with a test command in the request, reins
runs it after each batch of `edit_file` calls that changed code, shows the result, and
undoes the batch's edits when fewer of the tests pass than before them; the model is told
the edit was taken back and why.

Seen on the `mutate` suites (2026-12-05): a `replace_all` of `return False` with
`return True` in a 5,000-line module made 21 more tests fail, another 4; the runs went
on from the broken module and ended with fewer tests passing than the bug alone left.
The refusal is a failed call, so the doom-loop guard (after this hook) counts an undone
edit sent again.

A change across files is kept, though: renaming `fmtDate` in lib/dates.js breaks
`node main.js` until main.js uses the new name too, and undoing that first step made the
rename impossible (shapes js-rename-export, 2026-12-05). When the failing run points at
another code file the model may change, through a name the edit touched, the edit stays
and the model is told which file to change next (agent/pending_change.py).
"""

from __future__ import annotations

import re

from reins.agent.attachments import code_files
from reins.agent.hooks import Hook, StepPlan, Stop, Turn
from reins.agent.pending_change import pending_in
from reins.agent.request_shape import test_command
from reins.agent.test_runs import excerpt, run_test_command
from reins.agent.test_score import said_score, visible_score
from reins.index.chunker import language_for
from reins.tools.base import ToolResult
from reins.tools.errors import ErrorKind, ToolError
from reins.tools.executor import ExecutedCall
from reins.tools.files import NO_CHANGE

# An error line of a run's output: `TypeError: Cannot read properties of null`, `FAIL: test_x`
ERROR_LINE = re.compile(r"^\s*(?:[\w.]*(?:Error|Exception)\b.*|(?:FAIL|ERROR): .*)$", re.MULTILINE)
SAME_FAILURES = 4  # runs in a row after edits that fail the same way: the edits go nowhere


class UndoRegressions(Hook):
    def __init__(self, stop_when_stuck: bool = False) -> None:
        # the same failure after SAME_FAILURES edit batches in a row ends the turn (seen:
        # `'?'` edited to 'X', 'Y', 'Z', … for the whole 180 s, the same TypeError each
        # time; in 537 logged trials no run passed after such a streak)
        self.stop_when_stuck = stop_when_stuck

    def on_start(self, turn: Turn) -> None:
        self.command = test_command(turn.request)
        self.failure: tuple[int, object] | None = None  # the last run's failure, as compared
        self.repeats = 0  # runs in a row that failed that way
        self.score: float | None = None  # of the last run the code stands on
        self.said = ""  # that run's score in words
        self.before: dict[str, bytes] = {}  # path -> content before this batch

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        """Keep what each code file the batch's edit_file calls change holds now."""
        self.before = {}
        if not self.command:
            return
        workspace = turn.session.executor.ctx.workspace
        for call in plan.run:
            path = call.arguments.get("path") if call.name == "edit_file" else None
            if not isinstance(path, str) or path in self.before or not _code(path):
                continue
            try:
                self.before[path] = workspace.read_bytes(path)
            except (OSError, ValueError, ToolError):
                continue  # a missing file: the tool answers that

    async def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        edits = [i for i in executed if _changed(i) and i.call.arguments.get("path") in self.before]
        if not edits or not self.command:
            return
        ctx = turn.session.executor.ctx
        changed = {str(i.call.arguments["path"]) for i in edits}
        if self.score is None:
            self.score, self.said = await self._score_before(turn, changed)
        exit_code, output = await run_test_command(ctx, self.command)
        turn.test_runs.append((self.command, exit_code, output))
        self._keep_or_undo(turn, plan, edits, exit_code, output)
        if self._stuck(exit_code, output):  # after the undo: a regressing edit goes all the same
            plan.stop = Stop(
                "error",
                f"stopped: `{self.command}` failed the same way after {self.repeats} edits in "
                f"a row\n{excerpt(output, head=700, tail=200)}",
            )

    def _keep_or_undo(
        self, turn: Turn, plan: StepPlan, edits: list[ExecutedCall], exit_code: int, output: str
    ) -> None:
        """Show the run; undo the batch's edits when fewer tests pass than before them."""
        ctx = turn.session.executor.ctx
        changed = {str(i.call.arguments["path"]) for i in edits}
        score, said = visible_score(exit_code, output), said_score(exit_code, output)
        shown = f"\n[reins ran `{self.command}` after your edit: exit code {exit_code}]\n"
        if score >= (self.score or 0.0):
            self.score, self.said = score, said
            plan.note += shown + excerpt(output)
            return
        edited = [(str(i.call.arguments["old_string"]), str(i.call.arguments["new_string"]))
                  for i in edits]  # fmt: skip
        if pending := pending_in(turn, self.command or "", output, changed, edited):
            path, name = pending  # a change across files, part made: kept (the reference
            # stays the run before it, so finishing it elsewhere is what brings it back)
            kept = (
                f"\n[reins: your edit is kept: the run now fails in {path}, which still uses "
                f"`{name}` as it was before your change. Change {path} to match.]"
            )
            plan.note += shown + excerpt(output) + kept
            return
        for path in changed:
            _put_back(turn, path, self.before[path])
        for item in edits:
            path = item.call.arguments["path"]
            ctx.tracker.took_back(ctx.workspace.resolve(path), item.call.arguments["old_string"],
                                  item.call.arguments["new_string"])  # fmt: skip
            item.result = ToolResult(
                ErrorKind.INVALID_ARGUMENTS,
                f"undone: after this edit fewer of the tests of `{self.command}` passed "
                f"({said}; before it, {self.said}), so reins put {path} back as it was. "
                "The failing tests need a different change.",
            )
        plan.note += shown + excerpt(output) + "\n[reins: that run was of the edit now undone.]"

    def _stuck(self, exit_code: int, output: str) -> bool:
        """This run fails as the SAME_FAILURES - 1 before it did (by its error lines, so a
        changed literal in the shown source line does not count as progress)."""
        if exit_code in (0, -1):  # passed, or timed out: no record
            self.failure, self.repeats = None, 0
            return False
        errors = tuple(sorted({m.group(0).strip() for m in ERROR_LINE.finditer(output)}))
        failure = (exit_code, errors or output)
        self.repeats = self.repeats + 1 if failure == self.failure else 1
        self.failure = failure
        return self.stop_when_stuck and self.repeats >= SAME_FAILURES

    async def _score_before(self, turn: Turn, changed: set[str]) -> tuple[float, str]:
        """The tests' score before this batch, as a fraction and in words: the run before
        the first step when there was one, else a run of the files as they were, put back
        for it."""
        if turn.tests_before is not None:
            _, exit_code, output = turn.tests_before
            return visible_score(exit_code, output), said_score(exit_code, output)
        ctx = turn.session.executor.ctx
        after = {p: ctx.workspace.read_bytes(p) for p in changed}
        for path in changed:
            _put_back(turn, path, self.before[path])
        try:
            exit_code, output = await run_test_command(ctx, self.command or "")
            return visible_score(exit_code, output), said_score(exit_code, output)
        finally:
            for path, data in after.items():
                _put_back(turn, path, data)


def _code(path: str) -> bool:
    """A code file that is not a test."""
    return bool(language_for(path)) and bool(code_files([path]))


def _changed(item: ExecutedCall) -> bool:
    return (
        item.call.name == "edit_file" and item.result.ok
        and not item.result.output.startswith(NO_CHANGE)
    )  # fmt: skip


def _put_back(turn: Turn, path: str, data: bytes) -> None:
    ctx = turn.session.executor.ctx
    ctx.tracker.wrote(ctx.workspace.write_bytes(path, data), data)
