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
from collections.abc import Callable, Collection

from reins.agent.attachments import code_files
from reins.agent.excerpts import LINE_REF
from reins.tools.context import ToolContext
from reins.tools.errors import ToolError

CD_PREFIX = re.compile(r"^\s*cd\s+(\S+)\s*&&")
# ImportError: cannot import name 'x' from 'pkg.mod' (/work/pkg/mod.py)
IMPORT_NAME = re.compile(r"cannot import name '\w+' from '[\w.]+' \(([^)\n]+)\)")
NO_MODULE = re.compile(r"No module named '([\w.]+)'")
SKIPPED_DIRS = {"node_modules", "__pycache__", "site-packages", "venv", "build", "dist"}
MAX_WALKED = 5000  # entries looked at for a missing module; a huge tree is not searched


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


def ending_in(paths: list[str], mention: str) -> str | None:
    """The one of `paths` that `mention` names: itself, or with the user's own folders in
    front (a traceback pasted from another machine names /home/me/proj/app/x.py); of
    a.py and app/a.py, /x/app/a.py names the longer."""
    mention = mention.removeprefix("./")
    found = sorted((p for p in paths if mention == p or mention.endswith("/" + p)), key=len)
    if len(found) > 1 and len(found[-1]) == len(found[-2]):
        return None
    return found[-1] if found else None


def blamed_file(
    output: str, target: str, resolve: Callable[[str], str | None],
    written: Collection[str] = (),
) -> str | None:  # fmt: skip
    """The code file (not a test) that a failing run's `output` (paths relative) points at
    instead of `target`, the file just written; None when the failure may be target's own.

    - An import of a name that a module lacks blames that module, unless it is the target
      or one of the files `written` in this change (then the importer is the one out of
      date: the frame below. Seen: `UserRecord` renamed in models.py, storage.py's import
      of it failing, and models.py asked for again).
    - Otherwise a traceback that never passes through the target blames its deepest frame
      in a code file; one that does is the target's, even if it ends in a helper (the
      target may call it wrongly).
    """
    for mention in reversed(IMPORT_NAME.findall(output)):
        path = resolve(mention.strip())
        if path and path != target and path not in written and code_files([path]):
            return path
    frames = [resolve(m.group(1) or m.group(3)) for m in LINE_REF.finditer(output)]
    files = [f for f in frames if f]
    if target in files:
        return None
    code = code_files(files)
    return code[-1] if code else None


def named_files(output: str, resolve: Callable[[str], str | None]) -> list[str]:
    """The workspace files `output`'s frames and failed imports name, each once, in the
    order it names them."""
    mentions = [m.group(1) or m.group(3) for m in LINE_REF.finditer(output)]
    mentions += [m.strip() for m in IMPORT_NAME.findall(output)]
    found = [resolve(m) for m in mentions]
    return list(dict.fromkeys(p for p in found if p))


def missing_modules(output: str, ctx: ToolContext) -> list[tuple[str, str]]:
    """(module, workspace file) for each module a ModuleNotFoundError in `output` names
    that exists in the workspace under a package (`units` -> weather/units.py): imported
    by the wrong name, which a small model cannot see from the traceback alone."""
    wanted = list(dict.fromkeys(NO_MODULE.findall(output)))
    if not wanted:
        return []
    tails = {m: (m.replace(".", "/") + ".py", m.replace(".", "/") + "/__init__.py") for m in wanted}
    found: list[tuple[str, str]] = []
    seen = 0
    try:
        for parts, subdirs, entries in ctx.workspace.walk("."):
            subdirs[:] = [d for d in subdirs if not d.startswith(".") and d not in SKIPPED_DIRS]
            seen += len(entries) + len(subdirs)
            for name, kind in entries:
                path = "/".join((*parts, name))
                for module, ends in tails.items():
                    if kind == "file" and any(path.endswith("/" + e) for e in ends):
                        found.append((module, path))
            if seen > MAX_WALKED:
                break
    except (OSError, ToolError):
        return found
    return found


def module_hint(output: str, ctx: ToolContext) -> str:
    """A line saying where the modules a ModuleNotFoundError names are ("" if nowhere)."""
    places = missing_modules(output, ctx)
    if not places:
        return ""
    said = "; ".join(f"`{m}` is {p} (imported as `{_dotted(p)}`)" for m, p in places[:3])
    return f"[reins: the missing module is in this project: {said}]"


def _dotted(path: str) -> str:
    return path.removesuffix("/__init__.py").removesuffix(".py").replace("/", ".")
