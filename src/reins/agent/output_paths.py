"""The workspace files a command's output names, and the one a failure points at.

Seen on the shapes suite: asked to rename `area_rect` everywhere, the embedded model was
given main.py (the request's `python3 main.py`) and wrote it with the new name; the run
then failed with "cannot import name 'rectangle_area' from 'geometry' (geometry.py)", and
the loop asked for main.py again three times. A person opens the file the error names.
`blamed_file` says which that is when it is not the file being written.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from reins.agent.attachments import code_files
from reins.agent.excerpts import LINE_REF
from reins.tools.context import ToolContext
from reins.tools.errors import ToolError

CD_PREFIX = re.compile(r"^\s*cd\s+(\S+)\s*&&")
# ImportError: cannot import name 'x' from 'pkg.mod' (/work/pkg/mod.py)
IMPORT_NAME = re.compile(r"cannot import name '\w+' from '[\w.]+' \(([^)\n]+)\)")


def cd_dir(command: str) -> str:
    """The folder a `cd DIR && …` command runs in (its output's paths are relative to it)."""
    match = CD_PREFIX.match(command)
    return match.group(1).strip("'\"").rstrip("/") if match else ""


def resolved(ctx: ToolContext, base: str, mention: str) -> str | None:
    """The workspace path of a path the output names (relative to the root or to `base`)."""
    for path in (mention, posixpath.normpath(posixpath.join(base, mention)) if base else None):
        if path and not path.startswith("../") and is_file(ctx, path):
            return path
    return None


def relative_paths(output: str, ctx: ToolContext) -> str:
    """`output` with the workspace's absolute path taken off the paths in it (a traceback
    names /tmp/x/cart.py; the model and the attachments work with cart.py)."""
    return output.replace(str(ctx.workspace.root).rstrip("/") + "/", "")


def is_file(ctx: ToolContext, path: str) -> bool:
    try:
        return ctx.workspace.is_file(path)
    except (OSError, ToolError):
        return False


def blamed_file(output: str, target: str, resolve: Callable[[str], str | None]) -> str | None:
    """The code file (not a test) that a failing run's `output` (paths relative) points at
    instead of `target`, the file just written; None when the failure may be target's own.

    - An import of a name that a module lacks blames that module, unless it is the target
      (then the importer is the one out of date: the frame below).
    - Otherwise a traceback that never passes through the target blames its deepest frame
      in a code file; one that does is the target's, even if it ends in a helper (the
      target may call it wrongly).
    """
    for mention in reversed(IMPORT_NAME.findall(output)):
        path = resolve(mention.strip())
        if path and path != target and code_files([path]):
            return path
    frames = [resolve(m.group(1) or m.group(3)) for m in LINE_REF.finditer(output)]
    files = [f for f in frames if f]
    if target in files:
        return None
    code = code_files(files)
    return code[-1] if code else None
