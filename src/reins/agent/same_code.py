"""Whether two versions of a file are the same code: a rewrite that only reflows it (quotes,
blank lines, trailing blanks) changes nothing the task asked for.

Seen from the embedded model on changes across files: report.py written back with single
quotes for double, pricing.py with one blank line fewer; each passed the request's command
because nothing had changed, and the turn ended with the change not made.
"""

from __future__ import annotations

import ast
import io
import tokenize

# Larger versions are not parsed (seconds each): the files the loop writes whole are a few KB
MAX_PARSED = 256 * 1024


def same_code(path: str, new: str, old: str) -> bool:
    """True when `new` is `old` up to layout: for Python the same syntax tree and the same
    comments; for other files the same non-blank lines, trailing blanks aside."""
    if _lines(new) == _lines(old):
        return True
    if not path.endswith((".py", ".pyi")) or max(len(new), len(old)) > MAX_PARSED:
        return False
    try:
        return _tree(new) == _tree(old) and _comments(new) == _comments(old)
    except (SyntaxError, ValueError, tokenize.TokenError):  # a version that does not parse
        return False
    except (RecursionError, MemoryError):  # nested past what the parser can hold
        return False


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _tree(text: str) -> str:
    return ast.dump(ast.parse(text), include_attributes=False)


def _comments(text: str) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return [t.string.strip() for t in tokens if t.type == tokenize.COMMENT]
