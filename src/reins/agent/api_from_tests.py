"""What a Python test file uses from the module the agent writes, said in a few lines
(profile `test_api`).

A small model given a test file still writes the API it guesses: attributes where the
tests call `age.on_earth()`, `Garden(diagram)` where they pass `students=`, its own error
messages where they compare `err.exception.args[0]`. About a quarter of the first writes
that failed on the held-out with-tests run failed that way (docs/ABLATIONS.md). The
tests say it all, but spread over hundreds of lines; this reads them (ast, not running
anything) and lists, per name the tests import from the module: an example call and the
keywords passed, the methods called and attributes read on what it returns, and the
errors expected with their messages. The list goes last in the request, nearest to the
reply that writes the file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from reins.agent.attachments import TEST_FILE
from reins.tools.context import ToolContext

MAX_EXAMPLE = 70  # characters of one example call
MAX_LINES = 12  # names described
MAX_MEMBERS = 12  # methods or attributes listed per name
MAX_ERRORS = 3  # expected errors listed per name


@dataclass
class Uses:
    """How the tests use one imported name."""

    example: str = ""  # the first call, as written
    keywords: set[str] = field(default_factory=set)
    methods: dict[str, str] = field(default_factory=dict)  # name -> `.name(args)` first seen
    alias: str = ""  # the name the tests import it as, when another
    attributes: set[str] = field(default_factory=set)  # read, never called
    errors: list[str] = field(default_factory=list)  # "ValueError("msg") for `f(x)`"


def api_section(attached: Iterable[str], ctx: ToolContext) -> str:
    """For each Python code file attached, what the attached Python tests use from it."""
    paths = [p for p in attached if p.endswith(".py")]
    tests = {p: _text(ctx, p) for p in paths if TEST_FILE.search(p)}
    if not tests:
        return ""
    return "".join(api_from_tests(p, tests) for p in paths if not TEST_FILE.search(p))


def _text(ctx: ToolContext, path: str) -> str:
    try:
        return ctx.workspace.read_bytes(path).decode("utf-8", "replace")
    except OSError:
        return ""


def api_from_tests(module_path: str, tests: dict[str, str]) -> str:
    """A section for the request: what `tests` (path -> text) use from `module_path`;
    "" when no test imports from it or a file does not parse."""
    module = module_path.removesuffix(".py").replace("/", ".")
    found: dict[str, Uses] = {}
    imported: dict[str, None] = {}  # every name the tests import from it, in order
    for text in tests.values():
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        imported.update(dict.fromkeys(_imported(tree, module)[0].values()))
        _read_tests(tree, text, module, found)
    lines = [_line(name, uses) for name, uses in list(found.items())[:MAX_LINES]]
    lines = [line for line in lines if line]
    plain = [n for n in imported if n not in found or not _line(n, found[n])]
    if lines and plain:
        lines.append("- also imported: " + ", ".join(f"`{n}`" for n in plain[:MAX_MEMBERS]))
    if not lines:
        return ""
    return (
        f"\n\n# What the tests use from {module_path} (write these names, called this way)\n"
        + "\n".join(lines)
    )


def _imported(tree: ast.Module, module: str) -> tuple[dict[str, str], set[str]]:
    """Local name -> the module's name, for `from module import X [as Y]`; and the local
    names bound to the module itself (`import module [as m]`)."""
    names: dict[str, str] = {}
    aliases: set[str] = set()
    last = module.rsplit(".", 1)[-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == module or node.module.rsplit(".", 1)[-1] == last:
                for alias in node.names:
                    if alias.name != "*":
                        names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == module or alias.name.rsplit(".", 1)[-1] == last:
                    aliases.add(alias.asname or alias.name.split(".")[0])
    return names, aliases


def _read_tests(tree: ast.Module, text: str, module: str, found: dict[str, Uses]) -> None:
    names, aliases = _imported(tree, module)

    def target(func: ast.expr) -> str | None:
        """The module's name a call or attribute's base refers to, if any."""
        if isinstance(func, ast.Name) and func.id in names:
            return names[func.id]
        if (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id in aliases
        ):  # fmt: skip
            return func.attr
        return None

    for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
        made: dict[str, str] = {}  # variable -> the name whose call made it, in this scope
        calls: dict[int, ast.Call] = {}  # id(func) -> its call
        for node in _own_nodes(scope):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                value = node.value
                if isinstance(node.targets[0], ast.Name) and isinstance(value, ast.Call):
                    if (name := target(value.func)) is not None:
                        made[node.targets[0].id] = name
            if isinstance(node, ast.Call):
                calls[id(node.func)] = node
                if (name := target(node.func)) is not None:
                    uses = found.setdefault(name, Uses())
                    if isinstance(node.func, ast.Name) and node.func.id != name:
                        uses.alias = node.func.id
                    uses.example = uses.example or _source(text, node)
                    uses.keywords.update(k.arg for k in node.keywords if k.arg)
        for node in _own_nodes(scope):
            if not isinstance(node, ast.Attribute):
                continue
            base = node.value
            owner = None
            if isinstance(base, ast.Call):
                owner = target(base.func)
            elif isinstance(base, ast.Name) and base.id in made:
                owner = made[base.id]
            if owner is None:
                continue
            uses = found.setdefault(owner, Uses())
            if id(node) in calls:  # `.move("R")`: the call from the attribute on
                call = calls[id(node)]
                said = _source(text, call)
                base_said = _source(text, base)
                said = said[len(base_said) :] if said.startswith(base_said) else f".{node.attr}()"
                uses.methods.setdefault(node.attr, said)
            else:
                uses.attributes.add(node.attr)
        for node in _own_nodes(scope):
            if isinstance(node, ast.With):
                _expected_error(node, scope, text, target, made, found)


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of a module or function, not those of functions inside it, in source order."""
    found, todo = [], list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


def _expected_error(with_node, scope, text, target, made, found) -> None:
    """`with self.assertRaises(E) as err: f(x)` (or pytest.raises), and the message the
    test compares `err.exception.args[0]` (or `str(err.value)`) with."""
    for item in with_node.items:
        expr = item.context_expr
        if not (
            isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
            and expr.func.attr in ("assertRaises", "raises") and expr.args
        ):  # fmt: skip
            continue
        error = ast.unparse(expr.args[0])
        call = next(
            (
                n for stmt in with_node.body for n in ast.walk(stmt)
                if isinstance(n, ast.Call) and _owner(n.func, target, made)
            ),
            None,
        )  # fmt: skip
        if call is None:
            continue
        owner = _owner(call.func, target, made)
        variable = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else None
        message = _message(scope, variable, with_node) if variable else None
        said = f"{error}({message!r})" if message is not None else error
        uses = found.setdefault(owner, Uses())
        if len(uses.errors) < MAX_ERRORS and not any(e.startswith(said + " ") for e in uses.errors):
            uses.errors.append(f"{said} for `{_source(text, call)}`")


def _owner(func: ast.expr, target, made) -> str | None:
    if (name := target(func)) is not None:
        return name
    if isinstance(func, ast.Attribute):
        base = func.value
        if isinstance(base, ast.Name) and base.id in made:
            return made[base.id]
        if isinstance(base, ast.Call):
            return target(base.func)
    return None


def _message(scope: ast.AST, variable: str, after: ast.With) -> str | None:
    """The string a later assertion compares the caught error's message with."""
    for node in ast.walk(scope):
        if getattr(node, "lineno", 0) <= after.lineno or not isinstance(node, ast.Call):
            continue
        parts = [*node.args, *(k.value for k in node.keywords)]  # assertEqual(err…, "…")
        mentions = any(
            isinstance(n, ast.Name) and n.id == variable for p in parts for n in ast.walk(p)
        )
        text = [p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)]
        if mentions and text:
            return text[0]
    for node in ast.walk(scope):
        if isinstance(node, ast.Compare) and getattr(node, "lineno", 0) > after.lineno:
            sides = [node.left, *node.comparators]
            mentions = any(
                isinstance(n, ast.Name) and n.id == variable for s in sides for n in ast.walk(s)
            )
            text = [
                s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)
            ]
            if mentions and text:
                return text[0]
    return None


def _source(text: str, node: ast.AST) -> str:
    said = " ".join((ast.get_source_segment(text, node) or ast.unparse(node)).split())
    return said if len(said) <= MAX_EXAMPLE else said[: MAX_EXAMPLE - 1] + "…"


def _line(name: str, uses: Uses) -> str:
    parts = []
    if uses.alias:
        parts.append(f"imported as `{uses.alias}`")
    if uses.example:
        parts.append(f"called as `{uses.example}`")
    if uses.keywords:
        parts.append("keywords " + ", ".join(f"`{k}=`" for k in sorted(uses.keywords)))
    if uses.methods:
        listed = [f"`{said}`" for said in list(uses.methods.values())[:MAX_MEMBERS]]
        parts.append("methods called on it: " + ", ".join(listed))
    if uses.attributes:
        listed = [f"`.{a}`" for a in sorted(uses.attributes)[:MAX_MEMBERS]]
        parts.append("attributes read (not called): " + ", ".join(listed))
    if uses.errors:
        parts.append("raises " + "; ".join(uses.errors))
    return f"- `{name}`: " + "; ".join(parts) if parts else ""
