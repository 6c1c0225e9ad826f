"""AddMissingImports (profile `add_missing_imports`): a Python file just written or edited
that uses a standard-library module it never imports (`math.sqrt(...)` with no `import
math`) gets the import added at once, through the tools, and the model is told. Seen: the
embedded model wrote `os.environ[...]` with no `import os` and stopped (shapes suite), and
wrote the same NameError'd file back four times against failing tests (complex-numbers).
Like goimports: only names that cannot mean anything else are added — a module of the
standard library that imports here, read as `name.attribute` (every attribute read on it
one the module has: `array.append` is a dropped `self.`, not a missing `import array`),
bound nowhere in the file, and no star import. `urllib.parse.quote` imports `urllib.parse`.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import io
import subprocess
import sys

from reins.agent.hooks import Hook, StepPlan, Turn
from reins.agent.name_checks import undefined_names
from reins.models.messages import ToolCall
from reins.tools.errors import ToolError
from reins.tools.executor import ExecutedCall
from reins.tools.files import NO_CHANGE
from reins.tools.offload import off_loop

WRITES = ("write_file", "edit_file")
# Modules that do something when imported (a window, the Zen of Python) or only open one:
# never imported here to look at, nor added
NOISY = frozenset({"this", "antigravity", "idlelib", "tkinter", "turtle", "turtledemo"})


class AddMissingImports(Hook):
    async def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        for item in executed:
            path = item.call.arguments.get("path")
            if (
                item.call.name not in WRITES or not item.result.ok
                or not isinstance(path, str) or not path.endswith(".py")
                or item.result.output.startswith(NO_CHANGE)
            ):  # fmt: skip
                continue
            ctx = turn.session.executor.ctx
            try:
                text = ctx.workspace.read_bytes(path).decode("utf-8")
            except (OSError, UnicodeDecodeError, ToolError):
                continue
            fixed, added = await off_loop(with_imports, text)  # it may start a python3
            if not added:
                continue
            call = ToolCall("write_file", {"path": path, "content": fixed})
            (done,) = await turn.session.executor.run_batch([call])
            if done.result.ok:
                lines = ", ".join(f"`import {name}`" for name in added)
                uses = ", ".join(added)
                plan.note += (
                    f"\n[reins: added {lines} to {path}: it uses {uses} and never imported it]"
                )


def missing_modules(tree: ast.Module) -> list[str]:
    """The imports the code lacks: each standard-library module it reads as
    `module.attr` (its longest dotted part that is a module: `urllib.parse`) and never
    binds, where every attribute read on it is one the module has."""
    unbound = set(undefined_names(tree))
    if not unbound:
        return []
    chains: dict[str, list[list[str]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = _chain(node)
            if chain and chain[0] in unbound:
                chains.setdefault(chain[0], []).append(chain)
    found = set()
    for name, uses in chains.items():
        if name not in sys.stdlib_module_names or name.startswith("_") or name in NOISY:
            continue
        modules = [_module_for(use) for use in uses]
        if all(modules):
            found.update(m for m in modules if m)
    # `os` with `os.path` too: the longer one binds the name as well, one line is enough
    return sorted(m for m in found if not any(o.startswith(m + ".") for o in found))


def _chain(node: ast.Attribute) -> list[str]:
    """`a.b.c` read as ["a", "b", "c"]; [] when it does not start with a plain name. Only
    the outermost attribute of a chain is taken (ast.walk also reaches the inner ones,
    which give its prefixes: harmless, they name the same module)."""
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    return [current.id, *reversed(parts)] if isinstance(current, ast.Name) else []


def _module_for(chain: list[str]) -> str | None:
    """The module to import for `chain` (`os.path.join` → os, `urllib.parse.quote` →
    urllib.parse), if the attribute read on it exists; None when it does not import or
    lacks the attribute."""
    name = chain[0]
    try:
        module = importlib.import_module(name)
        for attr in chain[1:]:
            sub = f"{name}.{attr}"
            if attr in NOISY or not _is_module(sub):
                return name if hasattr(module, attr) else None
            if _set_on_import(name, attr):
                return name  # `import os` gives os.path
            module, name = importlib.import_module(sub), sub
    except (ImportError, ValueError, AttributeError):
        return None
    return name  # the whole chain is modules: `import xml.dom.minidom`


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError, AttributeError):
        return False  # the parent is not a package


@functools.lru_cache(maxsize=256)
def _set_on_import(package: str, submodule: str) -> bool:
    """Whether `import package` alone gives `package.submodule` (os.path: yes; urllib.parse:
    no). Asked of a fresh interpreter: in this one, anything imported before has set it."""
    code = f"import sys, {package}; sys.exit(0 if hasattr({package}, {submodule!r}) else 1)"
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", code], capture_output=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False  # the submodule is imported then: right either way
    return done.returncode == 0


def with_imports(text: str) -> tuple[str, list[str]]:
    """`text` with an `import` line for each missing module, after the file's leading
    imports (or its docstring); the modules added. Unchanged when none is missing or the
    file does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return text, []
    missing = missing_modules(tree)
    if not missing:
        return text, []
    lines = io.StringIO(text, newline="").readlines()  # the parser's line ends only
    newline = "\r\n" if "\r\n" in text else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    at, after_docstring, following = _insertion_line(tree)
    if following is not None and following.lineno == at:
        return text, []  # code on the line the import would follow (`import sys; x = ...`)
    if at == 0:  # no docstring or import: after a shebang and the comments at the top
        while at < len(lines) and lines[at].startswith("#"):
            at += 1
    block = "".join(f"import {name}{newline}" for name in missing)
    if after_docstring:
        block = newline + block
    if at < len(lines) and lines[at].strip() and not lines[at].startswith(("import", "from")):
        block += newline  # code right after: a blank line between
    return "".join(lines[:at]) + block + "".join(lines[at:]), missing


def _insertion_line(tree: ast.Module) -> tuple[int, bool, ast.stmt | None]:
    """The line after which imports go (the last of the leading docstring and imports),
    whether that line ends the docstring, and the first statement after them."""
    body = tree.body
    start = 1 if body and _is_docstring(body[0]) else 0
    at = body[0].end_lineno or 0 if start else 0
    index = start
    while index < len(body) and isinstance(body[index], (ast.Import, ast.ImportFrom)):
        at = body[index].end_lineno or at
        index += 1
    following = body[index] if index < len(body) else None
    return at, bool(start) and at == body[0].end_lineno, following


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )  # fmt: skip
