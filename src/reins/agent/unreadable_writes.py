"""ReaskUnreadableWrites (`reask_unreadable_writes`, files call style): a reply whose call
is a `write_file` in JSON that cannot be read (its content broke the escaping) is taken out
of the context, and the next reply is started as that file's block, so the file comes as
plain code. Seen from the embedded model: the same unreadable JSON write four times in a
row, each answered "not valid JSON ... give its path on a line of its own and its content
in a code block instead", until the doom-loop guard ended the turn (two-step-feature: an
f-string's quotes; callers-after-lib-rename: a docstring's). Greedy, the model copies
the broken call it can see; told in words to use a block, it does not."""

from __future__ import annotations

import posixpath
import re

from reins.agent.attachments import block_opener
from reins.agent.hooks import Hook, ModelRequest, StepPlan, Turn
from reins.tools.executor import ExecutedCall

# the start of a write_file call in JSON, up to its path: the part a broken content leaves
WRITE_HEAD = re.compile(
    r'\s*\{\s*"name"\s*:\s*"write_file"\s*,\s*"arguments"\s*:\s*\{\s*"path"\s*:\s*"([^"\\\n]+)"'
)
MAX_REASKS = 2  # per file and turn; past them the call is answered as before


class ReaskUnreadableWrites(Hook):
    def on_start(self, turn: Turn) -> None:
        self.reasked: dict[str, int] = {}  # path -> times its write was asked for as a block
        self.prefill: str | None = None  # the next reply starts here

    def before_model(self, turn: Turn, request: ModelRequest) -> None:
        if self.prefill is not None:
            request.prefill, self.prefill = self.prefill, None

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        calls = plan.reply.tool_calls
        if not calls or calls[0].parse_error is None or plan.stop is not None:
            return  # only the reply's first call runs: a later one was refused anyway
        path = unreadable_write_path(calls[0].raw_arguments or "")
        if path is None or self.reasked.get(path, 0) >= MAX_REASKS:
            return
        self.reasked[path] = self.reasked.get(path, 0) + 1
        self.prefill = block_opener(path, _current(turn, path))
        turn.notice(f"the write of {path} could not be read as JSON; asking for it as a block")
        plan.erase = (
            f"Your write_file call for {path} could not be read: its content broke the JSON "
            f"escaping. Write {path} as a file block instead: its path on a line of its own, "
            "then its complete content in a code block."
        )


def unreadable_write_path(raw: str) -> str | None:
    """The path an unreadable write_file call names, when it is a relative path inside
    the workspace."""
    found = WRITE_HEAD.match(raw)
    if found is None:
        return None
    path = posixpath.normpath(found.group(1).strip())
    if path.startswith(("/", "../")) or path in (".", ".."):
        return None
    return path


def _current(turn: Turn, path: str) -> str:
    """What the file holds now (its fence must be longer than any inside it); "" when
    it is new, large or unreadable."""
    target = turn.session.executor.ctx.workspace.root / path
    try:
        if target.is_file() and target.stat().st_size <= 1 << 20:
            return target.read_text(errors="replace")
    except OSError:
        pass
    return ""
