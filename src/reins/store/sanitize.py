"""Making any value storable in SQLite: text with lone surrogates, structures of any depth,
types json does not know. Every function here returns something a write can take."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def clean_text(text: str) -> str:
    """`text` as SQLite can store it: valid surrogate pairs joined, lone surrogates → U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if value is None or isinstance(value, (int, float, bytes)):
        return value
    return clean_text(str(value))


def jsonable(value: Any) -> Any:
    """json.dumps' fallback for types it does not know (sets, bytes, paths, objects)."""
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return repr(value)


def preview(value: Any, limit: int = 300) -> str:
    """The start of a JSON-like rendering of `value`, without recursion (any depth is fine)."""
    out: list[str] = []
    size = 0
    stack: list[Any] = [value]
    while stack and size < limit:
        item = stack.pop()
        if isinstance(item, _Literal):
            piece = item.text
        elif isinstance(item, dict):
            piece = "{"
            stack.append(_Literal("}"))
            entries = list(item.items())
            for index in range(len(entries) - 1, -1, -1):
                key, val = entries[index]
                stack.append(val)
                stack.append(_Literal(("" if index == 0 else ", ") + _scalar(str(key)) + ": "))
        elif isinstance(item, (list, tuple)):
            piece = "["
            stack.append(_Literal("]"))
            for index in range(len(item) - 1, -1, -1):
                stack.append(item[index])
                if index:
                    stack.append(_Literal(", "))
        else:
            piece = _scalar(item)
        out.append(piece)
        size += len(piece)
    text = "".join(out)
    if stack or len(text) > limit:
        text = text[:limit] + "…"
    return clean_text(text)


@dataclass
class _Literal:
    text: str


def _scalar(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=jsonable)[:400]
    except (ValueError, TypeError, RecursionError):
        return repr(value)[:400]


def safe_json(value: Any) -> str:
    """json.dumps that always returns storable text: too deep → a placeholder with a preview."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=jsonable)
    except (RecursionError, ValueError, TypeError) as error:
        reason = "nested too deep" if isinstance(error, RecursionError) else str(error)[:200]
        text = json.dumps(
            {"_unstorable": f"not logged: {reason} to serialise", "_preview": preview(value)},
            ensure_ascii=False,
        )
    return clean_text(text)
