"""Does an edited file still parse? The tie-break for an edit that could mean two things.

When the only doubt about an edit is where a few file lines it skipped belong, and exactly
one of the possible results parses while the file parsed before, that one is what the
model meant: the other would have broken the file.
"""

from __future__ import annotations

import ast
import json
import posixpath
import time
import tomllib
from collections.abc import Callable

from reins.index.chunker import language_for, parser_for
from reins.tools.edits.budget import check, ensure


def _python_problem(source: str) -> str | None:
    # CPython's own parser: tree-sitter's tolerates a block with no indented body.
    try:
        ast.parse(source)
    except SyntaxError as error:
        return f"line {error.lineno}: {error.msg}"
    except ValueError as error:
        return str(error)
    return None


def _json_problem(source: str) -> str | None:
    try:
        json.loads(source)
    except json.JSONDecodeError as error:
        return f"line {error.lineno}: {error.msg}"
    except RecursionError:
        return "nested too deeply"
    return None


def _toml_problem(source: str) -> str | None:
    try:
        tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        return str(error)
    return None


# Data files a program reads: seen, Python code written over config.toml (the warning for
# code files said nothing, since TOML is no language the index parses)
DATA_PROBLEMS = {".json": _json_problem, ".toml": _toml_problem}


def _tree_problem(parser) -> Callable[[str], str | None]:
    def problem(source: str) -> str | None:
        root = parser.parse(source.encode("utf-8", "surrogateescape")).root_node
        if not root.has_error:
            return None
        stack = [root]
        while stack:  # the first error node, depth-first in source order
            node = stack.pop()
            if node.type == "ERROR" or node.is_missing:
                return f"line {node.start_point[0] + 1}: syntax error"
            stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
        return "syntax error"

    return problem


MAX_CHECKED_CHARS = 2_000_000  # files bigger than this are not parsed


# How the warning an edit gets for breaking a file's parse starts (agent/broken_edits.py
# reads it to undo the edit).
BROKEN_WARNING = "\nwarning: the file no longer parses ("


class SyntaxCheck:
    def __init__(self, path: str, original: list[str]):
        self._problem: Callable[[str], str | None] | None = None
        language = language_for(path)
        data_problem = DATA_PROBLEMS.get(posixpath.splitext(path)[1].lower())
        if language == "python":
            self._problem = _python_problem
        elif data_problem is not None:
            self._problem = data_problem
        elif language and (parser := parser_for(language)) is not None:
            self._problem = _tree_problem(parser)
        self._original = original
        self._usable: bool | None = None
        self._parse_s = 0.0  # how long the last parse took: about how long the next will

    def _error(self, lines: list[str]) -> str | None:
        assert self._problem is not None
        started = time.perf_counter()
        try:
            return self._problem("\n".join(lines) + "\n")
        finally:
            self._parse_s = time.perf_counter() - started

    def _parsed_before(self) -> bool:
        if self._problem is None:
            return False
        if self._usable is None:
            small = sum(map(len, self._original)) <= MAX_CHECKED_CHARS
            self._usable = small and self._error(self._original) is None
        return self._usable

    def pick(self, candidates: list[list[str]]) -> list[str] | None:
        """The one candidate that parses, if the file parsed before and exactly one does."""
        check()  # the edit's time limit (a parse of a big file takes a while)
        if not self._parsed_before():
            return None
        clean = set()
        for candidate in candidates:
            ensure(self._parse_s)  # a parse cannot stop halfway: start it only if it fits
            if self._error(candidate) is None:
                clean.add(tuple(candidate))
        return list(clean.pop()) if len(clean) == 1 else None

    def broken_by(self, lines: list[str]) -> str:
        """A warning for the model when the edit made a file that parsed stop parsing."""
        if self._problem is None or sum(map(len, lines)) > MAX_CHECKED_CHARS:
            return ""
        error = self._error(lines)  # first: usually it parses, and one parse is enough
        if error is None or not self._parsed_before():
            return ""
        return f"{BROKEN_WARNING}{error}); fix it"
