"""KeepFiles: a request that says not to change some files ("don't change `textutil.py`",
"don't touch the tests", "the tests are right") gets a write or edit of them refused, with
what to change instead. Seen: told "Don't touch the tests", the embedded model rewrote the
failing assertion in the test file over and over instead of finding the bug it pointed at.
The refusal is the harness keeping the person's word, for every model."""

from __future__ import annotations

import posixpath

from reins.agent.attachments import TEST_FILE, keeps_tests, kept_files
from reins.agent.hooks import Hook, StepPlan, Turn, answered
from reins.models.messages import ToolCall
from reins.tools.edits.patch_format import PatchSyntaxError, parse_patch
from reins.tools.errors import ErrorKind
from reins.tools.files import EDIT_TOOLS


class KeepFiles(Hook):
    def on_start(self, turn: Turn) -> None:
        self.root = str(turn.session.executor.ctx.workspace.root)
        self.kept = {posixpath.normpath(p) for p in kept_files(turn.request)}
        self.tests = keeps_tests(turn.request)

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        if not self.kept and not self.tests:
            return
        run = []
        for call in plan.run:
            why = next(filter(None, map(self._why, _paths(call))), None)
            if why and call.name == "apply_patch":
                why += " None of the patch was applied: send it again without that file."
            if why:
                plan.answered.append(answered(call, ErrorKind.INVALID_ARGUMENTS, why))
            else:
                run.append(call)
        plan.run = run

    def _why(self, path: str) -> str | None:
        path = posixpath.normpath(path)  # ./a.py, src/../a.py
        if posixpath.isabs(path) and path.startswith(self.root.rstrip("/") + "/"):
            path = posixpath.relpath(path, self.root)  # the workspace's own full path
        if path in self.kept:
            return f"refused: the request says not to change {path}. Change the other files."
        if self.tests and TEST_FILE.search(path):
            return (
                f"refused: {path} is a test file, and the request says the tests are not to "
                "change. Fix the code they test: the failure shows which function is wrong."
            )
        return None


def _paths(call: ToolCall) -> list[str]:
    """The files a call writes: its `path`, or every file a patch names (a patch changes
    all of its files or none, so one kept file refuses the whole patch)."""
    if call.name not in EDIT_TOOLS:
        return []
    if call.name == "apply_patch":
        try:
            ops = parse_patch(str(call.arguments.get("patch", "")))
        except PatchSyntaxError:
            return []  # the tool answers with the syntax error
        return [op.path for op in ops] + [op.move_to for op in ops if op.move_to]
    path = call.arguments.get("path")
    return [path] if isinstance(path, str) else []
