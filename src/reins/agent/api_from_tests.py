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
MAX_TEST_CHARS = 100_000  # larger test files are skipped (92 KB: 2.8 s on 2 busy cores)


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
    "" when no test imports from it (a file that does not parse is skipped)."""
    module = module_path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    found: dict[str, Uses] = {}
    imported: dict[str, None] = {}  # every name the tests import from it, in order
    for text in tests.values():
        if len(text) > MAX_TEST_CHARS:
            continue
        try:
            reader = _TestReader(text, module, found)
        except (SyntaxError, ValueError):
            continue
        imported.update(dict.fromkeys(reader.names.values()))
        reader.read()
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


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
RAISES = ("assertRaises", "assertRaisesRegex", "raises")  # unittest, pytest


class _TestReader:
    """One test file: the names it imports from the module, and how it uses them."""

    def __init__(self, text: str, module: str, found: dict[str, Uses]) -> None:
        self.tree = ast.parse(text)
        self.nodes = list(ast.walk(self.tree))  # one walk: ast.walk is slow on large files
        self.lines = [line.encode() for line in text.splitlines(True)]  # ast counts bytes
        self.found = found
        self.names: dict[str, str] = {}  # local name -> the module's name
        self.aliases: set[str] = set()  # local names bound to the module itself
        self._imports(module)
        self.members: dict[str, str] = {}  # `self.robot = Robot(...)` in setUp: robot -> Robot

    def _imports(self, module: str) -> None:
        last = module.rsplit(".", 1)[-1]
        for node in self.nodes:
            if isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if source == module or source.rsplit(".", 1)[-1] == last:
                    for alias in node.names:  # from module import X [as Y]
                        if alias.name != "*":
                            self.names[alias.asname or alias.name] = alias.name
                else:  # from pkg import module [as m]
                    for alias in node.names:
                        if alias.name == last:
                            self.aliases.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == module or alias.name.rsplit(".", 1)[-1] == last:
                        # `import a.b.mod` binds `a`; its uses are `a.b.mod.f`: only
                        # `import mod` and `import a.b.mod as m` are followed
                        if alias.asname or "." not in alias.name:
                            self.aliases.add(alias.asname or alias.name)

    def read(self) -> None:
        if not (self.names or self.aliases):
            return
        for node in self.nodes:  # made in setUp, used in the tests
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                where = node.targets[0]
                if _on_self(where) and isinstance(node.value, ast.Call):
                    if (name := self.target(node.value.func)) is not None:
                        self.members[where.attr] = name
        scopes = [n for n in self.nodes if isinstance(n, FUNCTIONS)]
        for scope in [self.tree, *scopes]:
            self._scope(scope)

    def target(self, func: ast.expr) -> str | None:
        """The module's name an expression refers to: `X` imported, `mod.X`."""
        if isinstance(func, ast.Name) and func.id in self.names:
            return self.names[func.id]
        if (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id in self.aliases
        ):  # fmt: skip
            return func.attr
        return None

    def owner(self, base: ast.expr, made: dict[str, str]) -> str | None:
        """The module's name whose call made `base`: `X(...)`, a variable or a member."""
        if isinstance(base, ast.Call):
            return self.target(base.func)
        if isinstance(base, ast.Name):
            return made.get(base.id)
        if _on_self(base):
            return self.members.get(base.attr)
        return None

    def _scope(self, scope: ast.AST) -> None:
        nodes = _own_nodes(scope)
        made: dict[str, str] = {}  # variable -> the name whose call made it
        calls: dict[int, ast.Call] = {}  # id(func) -> its call
        for node in nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                where, value = node.targets[0], node.value
                if isinstance(where, ast.Name) and isinstance(value, ast.Call):
                    if (name := self.target(value.func)) is not None:
                        made[where.id] = name
            if isinstance(node, ast.Call):
                calls[id(node.func)] = node
                if (name := self.target(node.func)) is not None:
                    uses = self.found.setdefault(name, Uses())
                    if isinstance(node.func, ast.Name) and node.func.id != name:
                        uses.alias = node.func.id
                    uses.example = uses.example or self.source(node)
                    uses.keywords.update(k.arg for k in node.keywords if k.arg)
        for node in nodes:
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                owner = self.owner(node.value, made)
                if owner is None:
                    continue
                uses = self.found.setdefault(owner, Uses())
                if id(node) in calls and node.attr not in uses.methods:
                    uses.methods[node.attr] = self._method_call(calls[id(node)], node)
                elif id(node) not in calls:
                    uses.attributes.add(node.attr)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                self._expected_error(node, scope, made)

    def _method_call(self, call: ast.Call, attribute: ast.Attribute) -> str:
        """`.move("R")`: the call as written from the attribute on."""
        said = ast.unparse(ast.Call(ast.Name("_"), call.args, call.keywords))[1:]
        if call.lineno == call.end_lineno:  # as written, quotes and all
            whole, base = self.segment(call), self.segment(attribute.value)
            if whole.startswith(base):
                said = whole[len(base) :].removeprefix("." + attribute.attr)
        return _short(f".{attribute.attr}{said}")

    def _expected_error(self, with_node: ast.With | ast.AsyncWith, scope, made) -> None:
        """`with self.assertRaises(E) as err: f(x)` (or pytest.raises), and the message the
        test compares `err.exception.args[0]` (or `str(err.value)`) with."""
        for item in with_node.items:
            expr = item.context_expr
            if not (
                isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
                and expr.func.attr in RAISES and expr.args
            ):  # fmt: skip
                continue
            calls = [n for s in with_node.body for n in ast.walk(s) if isinstance(n, ast.Call)]
            owned = [(c, self._call_owner(c, made)) for c in calls]
            call, owner = next(((c, o) for c, o in owned if o), (None, None))
            if call is None or owner is None:
                continue
            message = _said_message(expr)
            if message is None and isinstance(item.optional_vars, ast.Name):
                message = _message(scope, item.optional_vars.id, with_node)
            error = ast.unparse(expr.args[0])
            said = f"{error}({message!r})" if message is not None else error
            uses = self.found.setdefault(owner, Uses())
            if len(uses.errors) < MAX_ERRORS and not any(
                e.startswith(said + " ") for e in uses.errors
            ):  # fmt: skip
                uses.errors.append(f"{said} for `{self.source(call)}`")

    def _call_owner(self, call: ast.Call, made: dict[str, str]) -> str | None:
        if (name := self.target(call.func)) is not None:
            return name
        if isinstance(call.func, ast.Attribute):
            return self.owner(call.func.value, made)
        return None

    def segment(self, node: ast.AST) -> str:
        """The node's text as written (one line)."""
        line = self.lines[node.lineno - 1]
        return line[node.col_offset : node.end_col_offset].decode("utf-8", "replace")

    def source(self, node: ast.AST) -> str:
        """An example as written when on one line, else as ast writes it back."""
        if node.lineno == node.end_lineno:
            return _short(self.segment(node))
        return _short(ast.unparse(node))


def _on_self(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )  # fmt: skip


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of a module or function, not those of functions inside it, in source order."""
    found, todo = [], list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


def _said_message(expr: ast.Call) -> str | None:
    """A message given to the check itself: `pytest.raises(E, match="…")`,
    `assertRaisesRegex(E, "…")`."""
    for keyword in expr.keywords:
        if keyword.arg == "match" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    if isinstance(expr.func, ast.Attribute) and expr.func.attr == "assertRaisesRegex":
        if len(expr.args) > 1 and isinstance(expr.args[1], ast.Constant):
            return str(expr.args[1].value)
    return None


def _message(scope: ast.AST, variable: str, after: ast.With | ast.AsyncWith) -> str | None:
    """The string an assertion after `after` compares the caught error's message with,
    before the next check that binds the same name."""
    end = _next_binding(scope, variable, after)
    for node in _own_nodes(scope):
        line = getattr(node, "lineno", 0)
        if line <= after.lineno or line >= end:
            continue
        if isinstance(node, ast.Call):  # assertEqual(err.exception.args[0], "…")
            sides = [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.Compare):  # assert str(err.value) == "…"
            sides = [node.left, *node.comparators]
        else:
            continue
        mentions = any(
            isinstance(n, ast.Name) and n.id == variable for side in sides for n in ast.walk(side)
        )
        text = [s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)]
        if mentions and text:
            return text[0]
    return None


def _next_binding(scope: ast.AST, variable: str, after: ast.With | ast.AsyncWith) -> int:
    lines = [
        node.lineno for node in _own_nodes(scope)
        if isinstance(node, (ast.With, ast.AsyncWith)) and node.lineno > after.lineno
        and any(
            isinstance(i.optional_vars, ast.Name) and i.optional_vars.id == variable
            for i in node.items
        )
    ]  # fmt: skip
    return min(lines, default=1 << 30)


def _short(said: str) -> str:
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
    if read := sorted(uses.attributes - set(uses.methods)):  # passed uncalled, then called
        listed = [f"`.{a}`" for a in read[:MAX_MEMBERS]]
        parts.append("attributes read (not called): " + ", ".join(listed))
    if uses.errors:
        parts.append("raises " + "; ".join(uses.errors))
    return f"- `{name}`: " + "; ".join(parts) if parts else ""
