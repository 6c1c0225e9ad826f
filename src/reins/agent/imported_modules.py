"""The project's own modules a Python file imports (`from textutils import slugify`,
`import settings`, `from .units import to_celsius`): where the code a named file calls
lives.

Seen on shapes tasks no one tuned for (csv-bom-header, env-flag-false-values,
slugify-strip-accents): the request names the script the person runs, the bug is in a
small module it imports, and the model, shown only the script, rewrote the script or
finished without a change; aider failed them too.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable

from reins.agent.attachments import attach_paths, code_files
from reins.agent.excerpts import parse_python
from reins.tools.context import ToolContext
from reins.tools.errors import ToolError

HEADER = "\n\n# Modules the files above import, as they are now (already read for you)"


def attach_imported(
    request: str, attached: dict[str, int], cut: set[str], ctx: ToolContext, budget: int
) -> tuple[str, dict[str, int]]:
    """`request` with the project's modules that its attached Python files (shown whole)
    import, those that fit in `budget` bytes, and the paths attached with their sizes."""
    wanted: list[str] = []
    for path in code_files(attached):
        if not path.endswith(".py") or path in cut:
            continue
        source = _read(ctx, path, budget + sum(attached.values()))
        if source is not None:
            found = local_imports(source, path, lambda p: _is_file(ctx, p))
            wanted += [p for p in found if p not in attached and code_files([p])]
    fits: list[str] = []
    left = budget
    for path in dict.fromkeys(wanted):  # whole modules only: one too large is left out
        source = _read(ctx, path, left)
        if source is not None and len(source.encode()) <= left:
            fits.append(path)
            left -= len(source.encode())
    if not fits:
        return request, {}
    return attach_paths(request, fits, ctx, budget, header=HEADER)


def local_imports(source: str, path: str, is_file: Callable[[str], bool]) -> list[str]:
    """Workspace paths of the modules the Python `source` (at `path`) imports that are
    files of the workspace, in the order imported: an absolute import is looked for beside
    the file, then from the workspace root; a relative one from the file's package."""
    tree = parse_python(source)
    if tree is None:
        return []
    here = posixpath.dirname(path)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            candidates = [_module_paths(alias.name, [here, ""]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from ..pkg.mod import y
                base = here
                for _ in range(node.level - 1):
                    base = posixpath.dirname(base)
                names = [f"{node.module}.{a.name}" if node.module else a.name for a in node.names]
                candidates = [_module_paths(n, [base]) for n in names]
                if node.module:
                    candidates.append(_module_paths(node.module, [base]))
            elif node.module:  # `from shop import cart` may name a module too
                names = [f"{node.module}.{a.name}" for a in node.names]
                candidates = [_module_paths(n, [here, ""]) for n in [*names, node.module]]
            else:
                continue
        else:
            continue
        for options in candidates:
            hit = next((p for p in options if is_file(p)), None)
            if hit and hit != path and hit not in found:
                found.append(hit)
    return found


def _module_paths(module: str, bases: list[str]) -> list[str]:
    """Where module `a.b` may be, from each base folder: a/b.py (a package's __init__ is
    left out: it re-exports more often than it holds the code)."""
    tail = module.replace(".", "/") + ".py"
    return [
        posixpath.normpath(posixpath.join(base, tail)) if base else tail
        for base in dict.fromkeys(bases)
    ]


def _read(ctx: ToolContext, path: str, limit: int) -> str | None:
    """A workspace file's text (through the workspace: no link out of it is followed), or
    None when it is missing, larger than `limit` bytes or not UTF-8."""
    try:
        got = ctx.workspace.read(path, limit=limit + 1)
        return None if got.size > limit else got.data.decode("utf-8")
    except (OSError, ToolError, UnicodeDecodeError):
        return None


def _is_file(ctx: ToolContext, path: str) -> bool:
    try:
        return ctx.workspace.is_file(path)
    except (OSError, ToolError):
        return False
