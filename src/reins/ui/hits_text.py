"""Search hits as text: plain when piped, with a little ANSI colour on a terminal. No rich,
so the fast path of `reins search` (answered by the index server) imports nothing heavy."""

from __future__ import annotations

import json
import os
import sys

TYPE_CHECKING = False  # typing costs the fast path about 5 ms: only type checkers read it
if TYPE_CHECKING:
    from typing import Any

BOLD, CYAN, DIM, RESET = "\033[1m", "\033[36m", "\033[2m", "\033[0m"


WEAK_MATCH = 0.5  # reins.index.codebase.WEAK_MATCH (not imported: this module stays light)
WEAK_SHOWN = 3


def _safe(text: Any) -> str:
    """No terminal control sequences from a repository's file names or contents."""
    return "".join(ch if ch.isprintable() or ch == " " else "?" for ch in str(text))


def hit_lines(hits: list[dict[str, Any]], query: str, color: bool) -> list[str]:
    if not hits:
        return [f"no code matches {query!r}"]
    header = []
    if hits[0].get("match", 1.0) < WEAK_MATCH:
        header = [f"no good match for {query!r}; the closest, all weak:"]
        hits = hits[:WEAK_SHOWN]

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    lines = []
    for rank, hit in enumerate(hits, 1):
        symbol = f"  {paint(CYAN, _safe(hit['symbol']))}" if hit.get("symbol") else ""
        where = paint(
            BOLD, f"{rank:>2}. {_safe(hit['path'])}:{hit['start_line']}-{hit['end_line']}"
        )
        lines.append(f"{where}{symbol}  {paint(DIM, format(hit['score'], '.4f'))}")
        first = next((ln for ln in str(hit.get("text", "")).splitlines() if ln.strip()), "")
        lines.append(f"      {_safe(first.strip()[:100])}")
    return header + lines


def print_hits(hits: list[dict[str, Any]], query: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps([{k: v for k, v in h.items() if k != "text"} for h in hits]))
        return
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print("\n".join(hit_lines(hits, query, color)))
