"""The parts of a large file that a task points at: the functions around the lines a
traceback names, or the tests a pytest node id names.

A file too large to attach whole used to be left out ("read what you need"): seen on a
`mutate` task, the embedded model was shown three small modules the test imports but not
the 30 KB one the traceback ended in, and ran the same failing test six times instead of
reading it. What a person opens first is the function at the failing line; reins attaches
that (whole functions, so an edit's old_string can be copied from it) and says which lines
these are.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

# A relative path as text names it: `src/app.py`, `Makefile.am` (a token with an extension).
PATH = r"[\w.-]+(?:/[\w.-]+)*\.[A-Za-z0-9]{1,8}"
# `pkg/mod.py:512: TypeError` (pytest), `File "pkg/mod.py", line 512` (Python tracebacks)
LINE_REF = re.compile(rf"(?:File \"([^\"\n]+)\", line (\d+))|(?<![\w/.-])({PATH}):(\d+)\b")
NODE_ID = re.compile(r"(?<![\w/.-])([\w.-]+(?:/[\w.-]+)*\.py)((?:::[\w\[\]-]+)+)")
# Where lines are left out: a comment, so a model that copies it into the block it writes
# back still writes valid code (seen: a bare `...` copied, which made the block more than
# definitions).
ELIDED = "# ..."
RADIUS = 12  # lines either side of a line outside any function
MAX_SPAN = 80  # lines of one function shown at most (centred on the line named)


@dataclass
class Focus:
    """Where to look in one file: lines a traceback names, and functions or classes a node
    id names."""

    lines: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    # The named tests are all the task is about: a large test file is cut to them even
    # when it would fit (a mutate task's 18 KB test file cost the model 100 s to read).
    prefer: bool = False


def line_refs(text: str) -> dict[str, Focus]:
    """The files `text` names with a line number, each with its lines in order of mention."""
    found: dict[str, Focus] = {}
    for match in LINE_REF.finditer(text):
        path, line = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        lines = found.setdefault(path.removeprefix("./"), Focus()).lines
        if int(line) not in lines:
            lines.append(int(line))
    return found


def node_ids(text: str) -> dict[str, Focus]:
    """The Python files `text` names as pytest node ids (`tests/test_x.py::TestA::test_b`),
    each with the names of the tests."""
    found: dict[str, Focus] = {}
    for match in NODE_ID.finditer(text):
        names = found.setdefault(match.group(1).removeprefix("./"), Focus(prefer=True)).names
        for name in match.group(2).split("::")[1:]:
            name = name.split("[", 1)[0]  # test_x[param-1]
            if name and name not in names:
                names.append(name)
    return found


def spans(source: str, focus: Focus, path: str) -> list[tuple[int, int]]:
    """1-based inclusive line ranges of `source` worth showing for `focus`, merged."""
    total = len(source.splitlines())
    tree = parse_python(source) if path.endswith(".py") else None
    found: list[tuple[int, int]] = []
    for line in focus.lines:
        if not 1 <= line <= total:
            continue
        node = _innermost_def(tree, line) if tree is not None else None
        if node is None:
            found.append((max(1, line - RADIUS), min(total, line + RADIUS)))
        else:
            found.append(_capped(first_line(node), node.end_lineno or node.lineno, line))
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, DEFS) and node.name in focus.names:
                start = first_line(node)
                found.append(_capped(start, node.end_lineno or node.lineno, start))
    return _merged(found)


def names_used(source: str, focus: Focus) -> set[str]:
    """The names the functions `focus` points at in Python `source` use (what a failing
    test calls); every name in the file when it points at none."""
    tree = parse_python(source)
    if tree is None:
        return set()
    return {n.id for root in _roots(tree, focus) for n in ast.walk(root) if isinstance(n, ast.Name)}


def _roots(tree: ast.Module, focus: Focus) -> list[ast.AST]:
    """The functions and classes `focus` points at; the whole module when none."""
    return [
        node for node in ast.walk(tree)
        if isinstance(node, DEFS) and (
            node.name in focus.names
            or any(node.lineno <= ln <= (node.end_lineno or node.lineno) for ln in focus.lines)
        )
    ] or [tree]  # fmt: skip


def module_members_used(source: str, focus: Focus) -> set[str]:
    """The attributes the functions `focus` points at take from modules Python `source`
    imports whole (`import more_itertools as mi` ... `mi.sample(data)`: sample); from
    the whole file when it points at none."""
    tree = parse_python(source)
    if tree is None:
        return set()
    modules = {
        alias.asname or alias.name.split(".")[0]
        for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }  # fmt: skip
    return {
        node.attr for root in _roots(tree, focus) for node in ast.walk(root)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        and node.value.id in modules
    }  # fmt: skip


def render(source: str, ranges: list[tuple[int, int]]) -> str:
    """The lines of `ranges`, with an ELIDED line where lines are left out."""
    lines = source.splitlines()
    parts: list[str] = []
    for start, end in ranges:
        if start > 1:
            parts.append(ELIDED)
        parts.extend(lines[start - 1 : end])
    if ranges and ranges[-1][1] < len(lines):
        parts.append(ELIDED)
    return "\n".join(parts)


def describe(ranges: list[tuple[int, int]], total: int) -> str:
    """The ranges for a title, e.g. `lines 150-165, 480-515 of 1,050`."""
    shown = [f"{a}-{b}" if a != b else str(a) for a, b in ranges]
    return f"lines {', '.join(shown)} of {total:,}"


DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def parse_python(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _innermost_def(tree: ast.Module, line: int) -> ast.AST | None:
    """The innermost function holding `line` (a class only when no method does)."""
    best: ast.AST | None = None
    for node in ast.walk(tree):
        if isinstance(node, DEFS) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno >= best.lineno:  # type: ignore[attr-defined]
                best = node
    return best


def first_line(node: ast.AST) -> int:
    """The first line of a definition, its decorators included."""
    return min([node.lineno] + [d.lineno for d in node.decorator_list])  # type: ignore[attr-defined]


def _capped(start: int, end: int, center: int) -> tuple[int, int]:
    if end - start + 1 <= MAX_SPAN:
        return start, end
    lo = max(start, center - MAX_SPAN // 2)
    return lo, min(end, lo + MAX_SPAN - 1)


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
