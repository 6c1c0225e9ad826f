"""RefuseBrokenEdits (profile `refuse_broken_edits`): an `edit_file` call that makes a file
which parsed stop parsing is undone, and the model is told the edit was not applied and
why, instead of being warned about a file that is now broken. SWE-agent gates its edits on
a linter the same way.

Seen on a `mutate` task (2026-12-05): the embedded model replaced `no_pad` with `None`
everywhere in toolz/itertoolz.py (`None = '__no__pad__'`); the edit tool applied it with
a warning, and every later step worked on a module that no longer imported, until the
doom-loop guard ended the run.
"""

from __future__ import annotations

from reins.agent.hooks import Hook, StepPlan, Turn
from reins.tools.base import ToolResult
from reins.tools.edits.syntax import BROKEN_WARNING
from reins.tools.errors import ErrorKind, ToolError
from reins.tools.executor import ExecutedCall


class RefuseBrokenEdits(Hook):
    def on_start(self, turn: Turn) -> None:
        self.before: dict[str, tuple[str, bytes]] = {}  # call id -> (path, content before)

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        """Keep what each file an edit_file call changes holds now; a file two calls of
        the batch edit is left out (undoing one would undo the other)."""
        self.before = {}
        paths = [c.arguments.get("path") for c in plan.run if c.name == "edit_file"]
        workspace = turn.session.executor.ctx.workspace
        for call in plan.run:
            path = call.arguments.get("path")
            if call.name != "edit_file" or not isinstance(path, str) or paths.count(path) > 1:
                continue
            try:
                self.before[call.id] = (path, workspace.read_bytes(path))
            except (OSError, ValueError, ToolError):
                continue  # a missing file: the tool answers that

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        ctx = turn.session.executor.ctx
        for item in executed:
            kept = self.before.get(item.call.id)
            if kept is None or not item.result.ok or BROKEN_WARNING not in item.result.output:
                continue
            path, data = kept
            target = ctx.workspace.write_bytes(path, data)
            ctx.tracker.wrote(target, data)
            args = item.call.arguments
            ctx.tracker.took_back(target, args.get("old_string", ""), args.get("new_string", ""))
            error = item.result.output.split(BROKEN_WARNING, 1)[1].rsplit("); fix it", 1)[0]
            item.result = ToolResult(
                ErrorKind.INVALID_ARGUMENTS,
                f"refused: this edit would leave {path} unable to parse ({error}), so it "
                f"was NOT applied: {path} is as it was. Send an edit whose new_string is "
                "valid code in its place.",
            )
