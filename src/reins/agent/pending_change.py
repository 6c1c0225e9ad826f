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

from reins.agent.attachments import code_files, kept_files
from reins.agent.hooks import Turn
from reins.agent.output_paths import cd_dir, named_files, relative_paths, resolved
from reins.index.chunker import language_for
from reins.tools.context import ToolContext
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
    """(file, name) when the failing run's `output` names a code file outside `changed`
    that the request lets the model change, and that file uses a name of the `edits` (old,
    new strings) that the output names too; None otherwise."""
    ctx = turn.session.executor.ctx
    text = relative_paths(output, ctx)
    base = cd_dir(command)
    kept = kept_files(turn.request)
    touched = {n for old, new in edits for n in NAME.findall(old + "\n" + new)}
    touched = {n for n in touched if len(n) >= MIN_NAME and n not in COMMON and n in text}
    # every frame, in the order the output names them: a Node stack starts at the deepest,
    # a Python traceback at the outermost; either way the first file that still uses a name
    # of the change is one to change next (the entry point the run goes through, when it
    # still says the old name, is one too)
    for path in named_files(text, lambda m: resolved(ctx, base, m)):
        if path in changed or path in kept or not (language_for(path) and code_files([path])):
            continue  # tests, data, and what the request keeps are not the change's
        if names := _uses(ctx, path, touched):
            return path, max(names, key=text.rfind)  # the one named nearest the error
    return None


def _uses(ctx: ToolContext, path: str, names: set[str]) -> list[str]:
    try:
        used = set(NAME.findall(ctx.workspace.read_bytes(path).decode("utf-8", "replace")))
    except (OSError, ValueError, ToolError):
        return []
    return sorted(names & used)
