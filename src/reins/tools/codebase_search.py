"""codebase_search: hybrid (BM25 + embeddings) search over the repo's syntax-aware chunks."""

from __future__ import annotations

import asyncio
import threading

from pydantic import BaseModel, Field

from reins.tools.base import Tool, ToolContext
from reins.tools.errors import invalid, unexpected

TOKEN_BUDGET = 3000  # of the result; ~4 characters a token
MAX_LINES_PER_HIT = 60


class CodebaseSearchArgs(BaseModel):
    query: str = Field(description="What you are looking for, in words or by name, e.g. "
                       "'where do we retry failed uploads' or 'SessionStore'")  # fmt: skip
    path_glob: str | None = Field(
        None, description="Only paths matching this glob, e.g. 'src/**/*.py'"
    )
    limit: int = Field(10, ge=1, le=50, description="Most results to return")


class CodebaseSearch(Tool):
    name = "codebase_search"
    description = (
        "Find code by meaning or by name across the repository (hybrid keyword + semantic search "
        "over functions and classes). Use it first when you do not know where something lives; "
        "use grep for exact text. Returns ranked path:start-end hits with their code."
    )
    Args = CodebaseSearchArgs

    async def run(self, args: CodebaseSearchArgs, ctx: ToolContext) -> str:
        if not args.query.strip():
            raise invalid("query is empty", hint="say what code you are looking for")
        if "\x00" in args.query or "\x00" in (args.path_glob or ""):
            raise invalid("query and path_glob must not contain NUL bytes")
        from reins.index.store import IndexUnavailable

        try:
            index = await asyncio.to_thread(_current_index, ctx)
            hits = await asyncio.to_thread(index.search, args.query, args.path_glob, args.limit)
        except IndexUnavailable as error:
            raise unexpected(
                str(error),
                hint="use grep or glob to find the code meanwhile; codebase_search may work "
                "again once the index is free",
            ) from error
        pending = index.pending_vectors()
        return render_hits(args.query, hits, pending)


def _current_index(ctx: ToolContext):
    """Open (once per session) and refresh; vectors for new chunks are built in the background."""
    from reins.index.codebase import CodeIndex
    from reins.index.embed.factory import make_embedder

    with _OPENING:  # parallel read-only calls of one batch must share one index
        if ctx.codebase is None:
            settings = ctx.index_settings
            ctx.codebase = CodeIndex.open(ctx.workspace.root, lambda: make_embedder(settings))
        index = ctx.codebase
        index.refresh()
        thread = None
        if index.pending_vectors() and not _embedding(ctx):
            thread = threading.Thread(target=_embed_quietly, args=(index,), daemon=True,
                                      name="reins-embed")  # fmt: skip
            ctx.codebase_embedder = thread
            thread.start()
    if thread is not None:
        thread.join(timeout=2.0)  # small updates finish here, so the answer uses them
    return index


_OPENING = threading.Lock()


def _embedding(ctx: ToolContext) -> bool:
    thread = ctx.codebase_embedder
    return thread is not None and thread.is_alive()


def _embed_quietly(index) -> None:
    try:
        index.embed_pending()
    except Exception:  # the lexical side keeps answering; the next search retries the vectors
        pass


def render_hits(query: str, hits, pending: int) -> str:
    if not hits:
        return f"no code matches {query!r}; try other words, a symbol name, or grep"
    budget = TOKEN_BUDGET * 4
    parts = []
    note = f" (semantic index still building: {pending} chunks pending)" if pending else ""
    parts.append(f"{len(hits)} results for {query!r}{note}")
    listed_only = []
    for hit in hits:
        header = f"{hit.path}:{hit.start_line}-{hit.end_line}" + (
            f"  {hit.symbol}" if hit.symbol else ""
        )
        lines = hit.text.splitlines()[:MAX_LINES_PER_HIT]
        more = hit.end_line - hit.start_line + 1 - len(lines)
        body = "\n".join(f"{hit.start_line + i:>5}  {line}" for i, line in enumerate(lines))
        if more > 0:
            body += f"\n       … {more} more lines (read_file for the rest)"
        block = f"\n{header}\n{body}"
        if len(block) > budget:
            listed_only.append(header)
            continue
        budget -= len(block)
        parts.append(block)
    if listed_only:
        parts.append(
            "\nmore hits (over the output budget; read_file them):\n" + "\n".join(listed_only)
        )
    return "\n".join(parts)
