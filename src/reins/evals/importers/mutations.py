"""Small bugs to inject into Python source: found with `ast`, applied as a minimal edit of
one line of the source text (so the task's diff is one line, formatting and comments kept).

Kinds: operator (`+`/`-`, `*`/`//`, …, also in `+=`), comparison (`<`/`<=`, `==`/`!=`, `in`/
`not in`, …), boolean (`and`/`or`, a dropped `not`, `True`/`False`), off_by_one (an integer
literal ±1), swapped_args (the first two positional arguments of a call), removed_statement
(a one-line statement replaced by `pass`).

Left alone: docstrings, annotations, `if __name__ == "__main__":` and `if TYPE_CHECKING:`
blocks, `__all__`/`__version__`, and lines marked `# pragma: no cover` or `# pragma: no mutate`.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass

KINDS = ("operator", "comparison", "boolean", "off_by_one", "swapped_args", "removed_statement")

BINARY = {ast.Add: ("+", "-"), ast.Sub: ("-", "+"), ast.Mult: ("*", "//"),
          ast.Div: ("/", "*"), ast.FloorDiv: ("//", "*"), ast.Mod: ("%", "//"),
          ast.Pow: ("**", "*"), ast.LShift: ("<<", ">>"), ast.RShift: (">>", "<<"),
          ast.BitAnd: ("&", "|"), ast.BitOr: ("|", "&"), ast.BitXor: ("^", "&")}  # fmt: skip
COMPARE = {ast.Lt: ("<", "<="), ast.LtE: ("<=", "<"), ast.Gt: (">", ">="),
           ast.GtE: (">=", ">"), ast.Eq: ("==", "!="), ast.NotEq: ("!=", "=="),
           ast.Is: ("is", "is not"), ast.IsNot: ("is not", "is"), ast.In: ("in", "not in"),
           ast.NotIn: ("not in", "in")}  # fmt: skip
BOOLEAN = {ast.And: ("and", "or"), ast.Or: ("or", "and")}
REMOVABLE = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Raise,
             ast.Continue, ast.Break, ast.Delete)  # fmt: skip
SKIP_LINE = re.compile(r"#\s*pragma:\s*no\s*(cover|mutate)")


@dataclass(frozen=True)
class Mutation:
    path: str  # relative to the repository, posix
    line: int  # 1-based
    kind: str
    function: str  # the enclosing def (qualified), or "<module>"
    old_line: str  # without its line ending
    new_line: str

    @property
    def key(self) -> str:
        """Stable across runs and seeds: the same bug always has the same key."""
        text = f"{self.path}\0{self.line}\0{self.old_line}\0{self.new_line}"
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    @property
    def description(self) -> str:
        return f"{self.path}:{self.line} ({self.kind}): {self.old_line.strip()} -> {self.new_line.strip()}"

    def apply(self, source: str) -> str:
        lines = source.splitlines(keepends=True)
        current = lines[self.line - 1]
        body = current.rstrip("\r\n")
        if body != self.old_line:
            raise ValueError(f"{self.path}:{self.line} changed since it was scanned")
        lines[self.line - 1] = self.new_line + current[len(body) :]
        return "".join(lines)


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str, source: str):
        self.path = path
        self.lines = source.splitlines()
        self.encoded = [line.encode("utf-8") for line in self.lines]
        self.found: list[Mutation] = []
        self.scope: list[str] = []
        self.docstrings: set[int] = set()

    # -- helpers ---------------------------------------------------------------------

    def _one_line(self, node: ast.AST) -> bool:
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        return start is not None and start == end and not SKIP_LINE.search(self.lines[start - 1])

    def _edit(self, node: ast.AST, kind: str, start: int, end: int, new: str) -> None:
        """Replace bytes start:end of node's line with `new` (if the result parses)."""
        number = node.lineno  # type: ignore[attr-defined]
        raw = self.encoded[number - 1]
        changed = raw[:start] + new.encode() + raw[end:]
        if changed == raw:
            return
        old_line, new_line = self.lines[number - 1], changed.decode("utf-8")
        self.found.append(Mutation(self.path, number, kind, ".".join(self.scope) or "<module>",
                                   old_line, new_line))  # fmt: skip

    def _between(self, node: ast.AST, left: ast.AST, right: ast.AST, token: str, new: str,
                 kind: str) -> None:  # fmt: skip
        """Swap the operator token written between two operands on the node's line."""
        if not (self._one_line(node) and left.end_lineno == right.lineno == node.lineno):  # type: ignore[attr-defined]
            return
        raw = self.encoded[node.lineno - 1]  # type: ignore[attr-defined]
        start, end = left.end_col_offset, right.col_offset  # type: ignore[attr-defined]
        gap = raw[start:end].decode("utf-8", "replace")
        pattern = r"[\s()]*(" + r"\s+".join(re.escape(w) for w in token.split()) + r")[\s()]*"
        match = re.fullmatch(pattern, gap)
        if match:
            self._edit(node, kind, start + match.start(1), start + match.end(1), new)

    # -- what is skipped ---------------------------------------------------------------

    def _skipped_block(self, node: ast.If) -> bool:
        test = ast.unparse(node.test)
        return test in ("__name__ == '__main__'", "TYPE_CHECKING", "typing.TYPE_CHECKING")

    def visit_If(self, node: ast.If) -> None:
        if not self._skipped_block(node):
            self.generic_visit(node)

    def _body(self, body: list[ast.stmt]) -> None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            if isinstance(body[0].value.value, str):
                self.docstrings.add(id(body[0]))

    def visit_Module(self, node: ast.Module) -> None:
        self._body(node.body)
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return  # f-string internals: positions are unreliable before 3.12

    def _scoped(self, node, name: str) -> None:
        self._body(node.body)
        self.scope.append(name)
        self._removals(node.body)
        for child in ast.iter_child_nodes(node):
            if child in getattr(node, "decorator_list", []) or child is getattr(
                node, "returns", None
            ):
                continue
            if isinstance(child, ast.arguments):
                for default in [*child.defaults, *[d for d in child.kw_defaults if d]]:
                    self.visit(default)
                continue
            self.visit(child)
        self.scope.pop()

    def visit_FunctionDef(self, node) -> None:
        self._scoped(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._scoped(node, node.name)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        names = {t.id for t in node.targets if isinstance(t, ast.Name)}
        if not names & {"__all__", "__version__", "__slots__"}:
            self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        if id(node) not in self.docstrings:
            self.generic_visit(node)

    def generic_visit(self, node: ast.AST) -> None:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                self._removals(block)
        for handler in getattr(node, "handlers", []) or []:
            self._removals(handler.body)
        super().generic_visit(node)

    # -- the mutations -----------------------------------------------------------------

    def _removals(self, block: list[ast.stmt]) -> None:
        if len(block) < 2:
            return  # removing the only statement would just be `pass` where `pass` was
        for stmt in block:
            if not isinstance(stmt, REMOVABLE) or id(stmt) in self.docstrings:
                continue
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue
            if not self._one_line(stmt) or stmt.col_offset == 0 and not self.scope:
                continue  # module-level statements break the import: every test fails
            raw = self.encoded[stmt.lineno - 1]
            code = raw[stmt.col_offset : stmt.end_col_offset]
            rest = raw[stmt.end_col_offset :].strip()
            if raw[: stmt.col_offset].strip() or (rest and not rest.startswith(b"#")):
                continue  # not alone on its line (`a = 1; b = 2`)
            if code.strip():
                self._edit(stmt, "removed_statement", stmt.col_offset, stmt.end_col_offset, "pass")

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swap = BINARY.get(type(node.op))
        text = isinstance(node.left, ast.Constant) and isinstance(node.left.value, str | bytes)
        # "%s" % x is string formatting, not arithmetic
        formatting = isinstance(node.op, ast.Mod) and (text or isinstance(node.left, ast.JoinedStr))
        if swap and not formatting:
            self._between(node, node.left, node.right, swap[0], swap[1], "operator")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        swap = BINARY.get(type(node.op))
        if swap:
            self._between(node, node.target, node.value, swap[0] + "=", swap[1] + "=", "operator")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        for index, op in enumerate(node.ops):
            swap = COMPARE.get(type(op))
            if swap:
                self._between(node, operands[index], operands[index + 1], swap[0], swap[1],
                              "comparison")  # fmt: skip
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        swap = BOOLEAN.get(type(node.op))
        if swap and len(node.values) == 2:
            self._between(node, node.values[0], node.values[1], swap[0], swap[1], "boolean")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not) and self._one_line(node):
            raw = self.encoded[node.lineno - 1]
            gap = raw[node.col_offset : node.operand.col_offset]
            match = re.fullmatch(rb"not\s*", gap)
            if match and node.operand.lineno == node.lineno:
                self._edit(node, "boolean", node.col_offset, node.operand.col_offset, "")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not self._one_line(node):
            return
        raw = self.encoded[node.lineno - 1]
        text = raw[node.col_offset : node.end_col_offset].decode("utf-8", "replace")
        value = node.value
        if isinstance(value, bool) and text in ("True", "False"):
            self._edit(node, "boolean", node.col_offset, node.end_col_offset, str(not value))
        elif isinstance(value, int) and not isinstance(value, bool) and text.isdigit():
            step = 1 if value == 0 or (node.lineno + node.col_offset) % 2 else -1
            self._edit(node, "off_by_one", node.col_offset, node.end_col_offset,
                       str(value + step))  # fmt: skip

    def visit_Call(self, node: ast.Call) -> None:
        args = node.args
        if (len(args) >= 2 and self._one_line(node)
                and not any(isinstance(a, ast.Starred) for a in args[:2])):  # fmt: skip
            raw = self.encoded[node.lineno - 1]
            first, second = args[0], args[1]
            a = raw[first.col_offset : first.end_col_offset]
            b = raw[second.col_offset : second.end_col_offset]
            if a != b and first.end_col_offset <= second.col_offset:
                middle = raw[first.end_col_offset : second.col_offset].decode("utf-8", "replace")
                new = b + middle.encode() + a
                self._edit(node, "swapped_args", first.col_offset, second.end_col_offset,
                           new.decode("utf-8"))  # fmt: skip
        self.generic_visit(node)


def find_mutations(path: str, source: str) -> list[Mutation]:
    """Every candidate mutation of `source`, sorted (cheap: check each with `changes`
    before using it)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    finder = _Finder(path, source)
    finder.visit(tree)
    unique = {(m.line, m.new_line): m for m in finder.found}
    return sorted(unique.values(), key=lambda m: (m.line, m.kind, m.new_line))


def changes(mutation: Mutation, source: str) -> bool:
    """Whether the mutated source still parses and is a different program."""
    try:
        return ast.dump(ast.parse(mutation.apply(source))) != ast.dump(ast.parse(source))
    except (SyntaxError, ValueError):
        return False
