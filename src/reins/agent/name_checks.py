"""Name checks on a whole Python file just written (profile `name_checks`): what makes the
code fail the moment anything imports or runs it, found without running it.

- A name the code reads that nothing in the file binds and that is no builtin: a missing
  import (`functools.reduce` with no `import functools`), a NameError at run time.
- A public name the file defined before the write that it no longer defines: a function,
  class or constant of a stub, or a method of one of its classes (tests and callers import
  them; the stub's instructions say to keep them).

Scopes are ignored on purpose: a name bound anywhere in the file counts as bound, so the
check only speaks when the name cannot exist.
"""

from __future__ import annotations

import ast
import builtins

MODULE_NAMES = frozenset(
    "__file__ __name__ __doc__ __spec__ __loader__ __package__ __path__ __builtins__ "
    "__class__ __annotations__ __dict__ __module__ __qualname__".split()
)


def name_problems(path: str, tree: ast.Module, before: str | None) -> str | None:
    """One sentence naming what is undefined or dropped, or None."""
    problems = []
    undefined = undefined_names(tree)
    if undefined:
        problems.append(f"{path} uses names it never defines or imports: {_listed(undefined)}.")
    dropped = dropped_names(before, tree) if before else []
    if dropped:
        problems.append(f"{path} no longer defines what it did before: {_listed(dropped)}.")
    return " ".join(problems) or None


def undefined_names(tree: ast.Module) -> list[str]:
    """Names read somewhere and bound nowhere in the file, builtins aside (none when the
    file has a star import: anything may come from it)."""
    bound = set(dir(builtins)) | MODULE_NAMES
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return []
                bound.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    return sorted(read - bound)


def dropped_names(before: str, tree: ast.Module) -> list[str]:
    """Public top-level names (and methods of top-level classes, dunders included) of the
    old version that the new one lacks."""
    try:
        old = ast.parse(before)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    now = defined_names(tree)
    return [name for name in defined_names(old) if name not in now]


def defined_names(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(node.name)
        elif isinstance(node, ast.ClassDef):
            names.append(node.name)
            names += [
                f"{node.name}.{item.name}"
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            ]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return [n for n in names if _public(n.rsplit(".", 1)[-1])]


def _public(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def _listed(names: list[str]) -> str:
    return ", ".join(names[:6]) + (" …" if len(names) > 6 else "")
