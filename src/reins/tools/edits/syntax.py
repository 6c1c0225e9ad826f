"""Does an edited file still parse? The tie-break for an edit that could mean two things.

When the only doubt about an edit is where a few file lines it skipped belong, and exactly
one of the possible results parses while the file parsed before, that one is what the
model meant: the other would have broken the file.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from reins.index.chunker import language_for, parser_for


def _python_parses(source: str) -> bool:
    # CPython's own parser: tree-sitter's tolerates a block with no indented body.
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


class SyntaxCheck:
    def __init__(self, path: str, original: list[str]):
        self._parses: Callable[[str], bool] | None = None
        language = language_for(path)
        if language == "python":
            self._parses = _python_parses
        elif language and (parser := parser_for(language)) is not None:
            self._parses = lambda source: (
                not parser.parse(source.encode("utf-8", "surrogateescape")).root_node.has_error
            )
        self._original = original
        self._usable: bool | None = None

    def _clean(self, lines: list[str]) -> bool:
        assert self._parses is not None
        return self._parses("\n".join(lines) + "\n")

    def pick(self, candidates: list[list[str]]) -> list[str] | None:
        """The one candidate that parses, if the file parsed before and exactly one does."""
        if self._parses is None:
            return None
        if self._usable is None:
            self._usable = self._clean(self._original)
        if not self._usable:
            return None
        clean = {tuple(c) for c in candidates if self._clean(c)}
        return list(clean.pop()) if len(clean) == 1 else None
