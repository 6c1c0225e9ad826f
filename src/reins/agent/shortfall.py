"""Why a whole file the model just wrote is not done yet (no parse, stubs, names, an option
the request runs it with)."""

from __future__ import annotations

import ast
import posixpath
import re

from reins.agent.name_checks import name_problems
from reins.agent.request_shape import script_options
from reins.tools.edits.syntax import BROKEN_WARNING

# Command-line libraries that name an option after a parameter (`dry_run` is --dry-run),
# and frameworks whose scripts hand the command line on (Django's manage.py): the option's
# own spelling need not be in the file.
DERIVED_OPTIONS = re.compile(
    r"^\s*(?:import|from)\s+(?:typer|fire|defopt|clize|django)\b", re.MULTILINE
)


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


def broken_parse(path: str, output: str) -> str | None:
    """A file of another language that parsed before this write and no longer does, as the
    write tool's warning says (seen: backup.sh written with a syntax error past the part the
    request's run reached, so the run passed and the turn ended "done")."""
    at = output.find(BROKEN_WARNING)
    if at < 0 or path.endswith(".py"):  # Python: shortfall parses it itself
        return None
    detail = output[at + len(BROKEN_WARNING) :].rsplit("); fix it", 1)[0]
    return f"{path} does not parse ({detail})."


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


def unhandled_options(request: str, path: str, content: str) -> list[str]:
    """The long options the request's command lines give the script just written that the
    file never mentions (seen: `python3 wc.py --lines FILE` asked for, and wc.py written
    with no `--lines`; `worker.py --verbose` the same, its run passing all the same). An
    option counts as mentioned by its spelling, by its name in quotes (getopt's
    `["lines"]`, `parseArgs`'s options), or `--no-x` by `--x` (argparse's
    BooleanOptionalAction). Nothing when the file uses a library that makes options out of
    parameter names."""
    wanted = script_options(request).get(posixpath.normpath(path), set())
    if not wanted or DERIVED_OPTIONS.search(content):
        return []
    return sorted(option for option in wanted if not _mentioned(option, content))


def _mentioned(option: str, content: str) -> bool:
    name = option.removeprefix("--")
    if option in content or re.search(rf"[\"'`]{re.escape(name)}=?[\"'`]", content):
        return True
    return name.startswith("no-") and _mentioned("--" + name.removeprefix("no-"), content)


def options_note(path: str, missing: list[str]) -> str:
    named = ", ".join(f"`{option}`" for option in missing)
    one = len(missing) == 1
    return (
        f"The task runs {path} with {named}, but {path} never mentions "
        f"{'it' if one else 'them'}: handle {'that option' if one else 'those options'}."
    )
