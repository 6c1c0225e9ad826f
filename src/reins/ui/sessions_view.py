"""`reins sessions list|show`: the log, as tables or JSON."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from typing import TypeVar

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from reins.agent.store_writer import logged_messages
from reins.store import SessionStore, StoreError
from reins.store.session_store import INTERRUPTED

T = TypeVar("T")
STATUS_STYLE = {"running": "cyan", "completed": "green", INTERRUPTED: "yellow", "error": "red",
                "aborted": "yellow", "budget": "yellow"}  # fmt: skip


def _store_errors(func: Callable[..., T]) -> Callable[..., T]:
    """A store that fails while reading: `reins: error: …` and exit 1, not a traceback."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except StoreError as error:
            print(f"reins: error: {error}", file=sys.stderr)
            sys.exit(1)

    return wrapper


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _status(status: str) -> str:
    style = STATUS_STYLE.get(status)
    return f"[{style}]{escape(status)}[/{style}]" if style else escape(status)


@_store_errors
def list_sessions(store: SessionStore, limit: int, as_json: bool) -> None:
    rows = store.list_sessions(limit)
    if as_json:
        print(json.dumps([asdict(r) for r in rows]))
        return
    table = Table("started", "status", "model", "task")
    table.add_column("id", no_wrap=True)
    for r in rows:
        table.add_row(_when(r.created_at), _status(r.status), escape(r.model),
                      escape(r.title[:50]), r.id)  # fmt: skip
    Console().print(table if rows else "no sessions yet")
    if any(r.status == INTERRUPTED for r in rows):
        Console().print(
            "[dim]interrupted: the process running it is gone (killed or crashed); "
            "`reins chat --resume ID` continues it"
        )


@_store_errors
def show_session(store: SessionStore, session_id: str, as_json: bool) -> bool:
    row = store.get_session(session_id)
    if row is None:
        return False
    messages = logged_messages(store, row.id)
    model_calls = store.model_calls(row.id)
    tool_calls = store.tool_calls(row.id)
    if as_json:
        print(json.dumps({
            "session": asdict(row),
            "messages": [{**m.to_dict(), "erased": erased} for m, erased in messages],
            "model_calls": model_calls,
            "tool_calls": tool_calls,
            "turns": store.turns(row.id),
        }))  # fmt: skip
        return True
    console = Console()
    tokens_in = sum(c["tokens_in"] for c in model_calls)
    tokens_out = sum(c["tokens_out"] for c in model_calls)
    console.print(
        f"[bold]{row.id}[/bold] · {_status(row.status)} · {escape(row.model)} "
        f"({escape(row.profile)}) · {escape(row.repo)}\n"
        f"{len(model_calls)} model calls · {tokens_in} tokens in / {tokens_out} out · "
        f"{len(tool_calls)} tool calls"
    )
    if row.status == INTERRUPTED:
        owner = f"process {row.owner_pid} on {row.owner_host}" if row.owner_pid else "its process"
        console.print(
            f"[yellow]interrupted: {escape(owner)} is gone without finishing the run; "
            f"`reins chat --resume {row.id}` continues it"
        )
    for m, erased in messages:
        if m.role == "system":
            continue
        text = m.content if len(m.content) < 600 else m.content[:600] + " …"
        label = {"user": "green", "assistant": "cyan", "tool": "dim"}.get(m.role, "dim")
        header = f"[{label}]{m.role}[/{label}]" + (f" ({m.name})" if m.name else "")
        if erased:
            header += " [dim](erased from the model's context)[/dim]"
        console.print(header)
        if text:
            console.print(escape(text))
        for call in m.tool_calls:
            console.print(
                f"  [cyan]▸ {escape(call.name)}[/cyan] {escape(json.dumps(call.arguments)[:200])}"
            )
    failed = [t for t in tool_calls if t["kind"] != "ok"]
    if failed:
        table = Table("tool", "kind", "arguments")
        for t in failed:
            table.add_row(t["tool"], t["kind"], escape(t["arguments"][:80]))
        console.print("[bold]failed tool calls[/bold]", table)
    return True
