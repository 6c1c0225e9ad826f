"""Why a whole file the model just wrote is not done yet (no parse, stubs, names)."""

from __future__ import annotations

import ast

from reins.agent.name_checks import name_problems


def shortfall(
    path: str, content: str, before: str | None = None, names: bool = False
) -> str | None:
    """Why a whole Python file just written is not done: it does not parse, or functions are
    still stubs (a body of only `pass` or `...`); with `names`, also a name it uses and never
    binds or a public name of `before` (the file ahead of the turn's first write) it dropped
    (agent/name_checks.py). None when nothing is wrong, or not Python."""
    if not path.endswith(".py"):
        return None
    try:
        tree = ast.parse(content)
    except SyntaxError as error:
        return f"{path} does not parse (line {error.lineno}: {error.msg})."
    except (ValueError, RecursionError, MemoryError):
        return None
    stubs = [
        node.name for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_stub(node)
    ]  # fmt: skip
    problems = []
    if stubs:
        listed = ", ".join(stubs[:5]) + (" …" if len(stubs) > 5 else "")
        problems.append(
            f"{path} still has functions with no implementation (body only `pass`): {listed}."
        )
    if names:
        problems.append(name_problems(path, tree, before) or "")
    return " ".join(p for p in problems if p) or None


def _is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if node.decorator_list:  # @abstractmethod, @overload, properties on purpose
        return False
    params = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
    if node.name == "__init__" and not [p for p in params if p not in ("self", "cls")]:
        return False  # an empty constructor with nothing to keep is fine
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            body = body[1:]  # the docstring
    if len(body) != 1:
        return False
    only = body[0]
    return isinstance(only, ast.Pass) or (
        isinstance(only, ast.Expr)
        and isinstance(only.value, ast.Constant)
        and only.value.value is Ellipsis
    )
