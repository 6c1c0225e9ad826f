"""A change across files, made in one of them so far: the run fails in another file the
model may change, at a name the change touched.

Renaming `fmtDate` in lib/dates.js breaks `node main.js` until main.js says `formatDate`
too; a new required parameter breaks every caller until each passes it. A failing run
then is the next step of the change, not a regression to undo (shapes js-rename-export:
the rename was undone three times and never made).
"""

from __future__ import annotations

import builtins
import keyword
import re

from reins.agent.attachments import TEST_FILE, keeps_tests, kept_files
from reins.agent.hooks import Turn
from reins.agent.output_paths import blamed_file, cd_dir, relative_paths, resolved
from reins.tools.errors import ToolError

NAME = re.compile(r"[A-Za-z_$][\w$]*")
MIN_NAME = 3  # `id`, `x`: in every file
# words every language uses: the same word in the edit and the failure says nothing
COMMON = (
    set(keyword.kwlist) | set(dir(builtins))
    | {"true", "false", "null", "undefined", "this", "function", "const", "let", "var",
       "return", "new", "typeof", "require", "module", "exports", "self", "cls", "args"}
)  # fmt: skip


def pending_in(
    turn: Turn, command: str, output: str, changed: set[str], edits: list[tuple[str, str]]
) -> tuple[str, str] | None:
    """(file, name) when the failing run's `output` points at a code file outside
    `changed` that the request lets the model change, and that file uses a name of the
    `edits` (old, new strings) that the output names too; None otherwise."""
    ctx = turn.session.executor.ctx
    text = relative_paths(output, ctx)
    base = cd_dir(command)
    blamed = {
        blamed_file(text, target, lambda m: resolved(ctx, base, m), changed) for target in changed
    }
    if len(blamed) != 1 or (path := blamed.pop()) is None or path in changed:
        return None
    if path in kept_files(turn.request) or (keeps_tests(turn.request) and TEST_FILE.search(path)):
        return None
    try:
        used = set(NAME.findall(ctx.workspace.read_bytes(path).decode("utf-8", "replace")))
    except (OSError, ValueError, ToolError):
        return None
    touched = {n for old, new in edits for n in NAME.findall(old + "\n" + new)}
    names = [
        n for n in touched & used
        if len(n) >= MIN_NAME and n not in COMMON and n in text
    ]  # fmt: skip
    if not names:
        return None
    return path, max(names, key=text.rfind)  # the one named nearest the error
