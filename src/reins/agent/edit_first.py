"""EditFirst (profile `edit_first`, files call style): a change request whose code is
attached only in part (the failing function of a large module, found by the test run
before the first step) gets its first reply started as an `edit_file` call on that file,
so the model changes the code at once instead of the test file the traceback ends in.
With a test command in the request, reins runs it after each edit of the file and shows
the result: passing ends the turn, failing starts the next reply as an edit of the same
file again (a few rounds), then the model goes on with its tools. A refused write of
another file (the test file the request keeps) also starts the next reply as that edit.

Seen on the `mutate` suites (2026-12-05): with the failing function attached, the
embedded model wrote or edited the test file first on 4 of the 5 more-itertools tasks,
although the request said the bug was in the library code; a whole-file block of a
5,000-line module is no way out either (refused as gutting). WriteFirst covers a file
attached whole; this covers one attached in part.
"""

from __future__ import annotations

import json
import posixpath

from reins.agent.attachments import code_files, kept_files
from reins.agent.hooks import Hook, ModelRequest, StepPlan, Stop, Turn
from reins.agent.output_paths import module_hint
from reins.agent.request_shape import is_question, test_command
from reins.agent.test_runs import excerpt, run_test_command
from reins.index.chunker import language_for
from reins.tools.executor import ExecutedCall
from reins.tools.files import EDIT_TOOLS, NO_CHANGE


class EditFirst(Hook):
    def __init__(self, test_after_edit: bool = False, rounds: int = 3) -> None:
        self.test_after_edit = test_after_edit
        self.rounds_allowed = rounds  # edits asked for again while the tests fail

    def on_start(self, turn: Turn) -> None:
        self.path: str | None = None
        self.again = False
        self.rounds = 0
        self.command = test_command(turn.request)
        self.runs = 0  # turn.test_runs before this step's tools

    def before_model(self, turn: Turn, request: ModelRequest) -> None:
        if request.prefill is not None:  # WriteFirst starts this reply as a file block
            return
        if self.again and self.path is not None:
            self.again = False
            request.prefill = edit_opener(self.path)
        elif turn.steps == 0 and not is_question(turn.request):
            self.path = edit_target(turn)
            if self.path is not None:
                request.prefill = edit_opener(self.path)

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        self.runs = len(turn.test_runs)  # a run after the tools is this step's

    async def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        if self.path is None:
            return
        if _refused_elsewhere(executed, self.path) and self.rounds < self.rounds_allowed:
            self.rounds += 1  # a refused write of the test file: back to the code
            self.again = True
            return
        if not self.command or not self.test_after_edit or not _edited(executed, self.path):
            return
        ctx = turn.session.executor.ctx
        if len(turn.test_runs) > self.runs:  # UndoRegressions ran and showed them already
            _, exit_code, output = turn.test_runs[-1]
        else:
            exit_code, output = await run_test_command(ctx, self.command)
            turn.test_runs.append((self.command, exit_code, output))
            plan.note += f"\n[reins ran `{self.command}`: exit code {exit_code}]\n{excerpt(output)}"
        if exit_code != 0 and (hint := module_hint(output, ctx)):
            plan.note += "\n" + hint
        if exit_code == 0:
            plan.stop = Stop("completed", f"edited {self.path}; `{self.command}` passes")
        elif self.rounds < self.rounds_allowed:
            self.rounds += 1
            self.again = True
            plan.note += (
                f"\n[reins: the tests still fail. Edit {self.path} again: change the line "
                "the failure points at.]"
            )


def edit_target(turn: Turn) -> str | None:
    """The code file attached only in part (the first, in the order attached), not a test
    and not one the request keeps; None when every code file was attached whole."""
    kept = {posixpath.normpath(p) for p in kept_files(turn.request)}
    cut = [
        p for p in code_files(list(turn.attached))
        if p in turn.cut and language_for(p) and posixpath.normpath(p) not in kept
    ]  # fmt: skip
    return cut[0] if cut else None


def edit_opener(path: str) -> str:
    """How a reply that is an edit of `path` starts (the files call style's JSON call)."""
    head = json.dumps({"name": "edit_file", "arguments": {"path": path, "old_string": ""}})
    return "```json\n" + head[: -len('""}}')] + '"'


def _refused_elsewhere(executed: list[ExecutedCall], path: str) -> bool:
    """The batch tried to change another file than `path` and was refused (a test file
    the request keeps, a gutting write), changing nothing."""
    return any(
        i.call.name in EDIT_TOOLS and i.call.arguments.get("path") != path
        and i.result.output.startswith("refused:")
        for i in executed
    )  # fmt: skip


def _edited(executed: list[ExecutedCall], path: str) -> bool:
    """The batch changed `path` with edit_file."""
    return any(
        i.call.name == "edit_file" and i.result.ok and i.call.arguments.get("path") == path
        and not i.result.output.startswith(NO_CHANGE)
        for i in executed
    )  # fmt: skip
