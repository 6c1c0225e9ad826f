"""AddMissingImports (profile `add_missing_imports`): a Python file just written or edited
that uses a standard-library module it never imports (`math.sqrt(...)` with no `import
math`) gets the import added at once, through the tools, and the model is told. Seen: the
embedded model wrote `os.environ[...]` with no `import os` and stopped (shapes suite), and
wrote the same NameError'd file back four times against failing tests (complex-numbers).
Like goimports: only names that cannot mean anything else are added — a module of the
standard library, read as `name.attribute`, bound nowhere in the file, and no star import.
"""

from __future__ import annotations

import ast
import sys

from reins.agent.hooks import Hook, StepPlan, Turn
from reins.agent.name_checks import undefined_names
from reins.models.messages import ToolCall
from reins.tools.executor import ExecutedCall
from reins.tools.files import NO_CHANGE

WRITES = ("write_file", "edit_file")


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
            except (OSError, UnicodeDecodeError):
                continue
            fixed, added = with_imports(text)
            if not added:
                continue
            call = ToolCall("write_file", {"path": path, "content": fixed})
            (done,) = await turn.session.executor.run_batch([call])
            if done.result.ok:
                lines = ", ".join(f"`import {name}`" for name in added)
                plan.note += f"\n[reins: added {lines} to {path}: it uses {_names(added)} and never imported it]"


def missing_modules(tree: ast.Module) -> list[str]:
    """Standard-library modules the code reads as `module.attribute` and never binds."""
    unbound = set(undefined_names(tree))
    if not unbound:
        return []
    bases = {
        node.value.id for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
    }  # fmt: skip
    return sorted(n for n in unbound & bases if n in sys.stdlib_module_names)


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
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    at, after_docstring = _insertion_line(tree)
    if at == 0:  # no docstring or import: after a shebang and the comments at the top
        while at < len(lines) and lines[at].startswith("#"):
            at += 1
    block = "".join(f"import {name}\n" for name in missing)
    if after_docstring:
        block = "\n" + block
    if at < len(lines) and lines[at].strip() and not lines[at].startswith(("import", "from")):
        block += "\n"  # code right after: a blank line between
    return "".join(lines[:at]) + block + "".join(lines[at:]), missing


def _insertion_line(tree: ast.Module) -> tuple[int, bool]:
    """The line after which imports go (the last of the leading docstring and imports),
    and whether that line ends the docstring."""
    body = tree.body
    start = 1 if body and _is_docstring(body[0]) else 0
    at = body[0].end_lineno or 0 if start else 0
    for node in body[start:]:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            break
        at = node.end_lineno or at
    return at, bool(start) and at == body[0].end_lineno


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )  # fmt: skip


def _names(modules: list[str]) -> str:
    return ", ".join(modules)
