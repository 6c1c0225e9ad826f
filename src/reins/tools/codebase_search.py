"""codebase_search: hybrid (BM25 + embeddings) search over the repo's syntax-aware chunks."""

from __future__ import annotations

import asyncio
import threading

from pydantic import BaseModel, Field

from reins.models.client import ProviderError
from reins.tools.access import READ_ALL, Access
from reins.tools.base import Tool, ToolContext, ToolEnv
from reins.tools.context import CODEBASE, CODEBASE_EMBEDDER
from reins.tools.errors import ErrorKind, ToolError, invalid, unexpected

TOKEN_BUDGET = 3000  # of the result; ~4 characters a token
MAX_LINES_PER_HIT = 60
EMBED_WAIT_S = 2.0  # small updates finish within this, so the answer uses them


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

    def access(self, args: CodebaseSearchArgs, env: ToolEnv) -> Access:
        return READ_ALL

    async def run(self, args: CodebaseSearchArgs, ctx: ToolContext) -> str:
        if not args.query.strip():
            raise invalid("query is empty", hint="say what code you are looking for")
        if "\x00" in args.query or "\x00" in (args.path_glob or ""):
            raise invalid("query and path_glob must not contain NUL bytes")
        from reins.index.index_db import IndexUnavailable
        from reins.project_guard import NotAProject

        try:
            try:
                index, job = await asyncio.to_thread(_current_index, ctx)
            except NotAProject as refused:  # chat asks the person; run refuses
                if ctx.approver is None or not await ctx.approver(f"index {refused}"):
                    raise unexpected(
                        str(refused).split(" Run reins")[0],
                        hint="use grep and glob instead; codebase_search needs an index "
                        "of the project folder",
                    ) from refused
                index, job = await asyncio.to_thread(_current_index, ctx, True)
            failed = job.error
            if isinstance(failed, ProviderError) and index.pending_vectors():
                raise failed
            hits = await asyncio.to_thread(index.search, args.query, args.path_glob, args.limit)
        except IndexUnavailable as error:
            raise unexpected(
                str(error),
                hint="use grep or glob to find the code meanwhile; codebase_search may work "
                "again once the index is free",
            ) from error
        except ProviderError as error:
            raise embeddings_failed(error) from error
        pending = index.pending_vectors()
        return render_hits(args.query, hits, pending)


def embeddings_failed(error: ProviderError) -> ToolError:
    return ToolError(
        ErrorKind.PROVIDER_ERROR,
        f"codebase_search cannot answer: its embeddings service failed ({error})",
        hint="not a problem with your call: use grep (exact text or names) or glob meanwhile; "
        "codebase_search tries the service again on the next call",
    )


class EmbeddingJob:
    """Builds the index's missing vectors in a background thread, one run at a time, and
    remembers how the last finished run ended (`error`: None when it succeeded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self._closed = False

    def start(self, index) -> threading.Thread | None:
        """Start a run unless one is running (or the session closed); the new thread or None."""
        with self._lock:
            if self._closed or self.is_alive():
                return None
            self.thread = threading.Thread(
                target=self._run, args=(index,), daemon=True, name="reins-embed"
            )
            self.thread.start()
            return self.thread

    def _run(self, index) -> None:
        try:
            index.embed_pending()
        except Exception as error:  # the lexical side keeps answering; a later call retries
            self.error = error
        else:
            self.error = None

    def is_alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        if self.thread is not None:
            self.thread.join(timeout)

    def close(self) -> None:
        """No new runs. A running one is a daemon thread: it stops at its next write to the
        index, which closes right after this (or with the process)."""
        with self._lock:
            self._closed = True


def _current_index(ctx: ToolContext, force: bool = False):
    """Open (once per session) and refresh; vectors for new chunks are built in the background.
    Parallel calls of one batch share the index and its one embedding run."""
    from reins.index.codebase import CodeIndex
    from reins.index.embed.factory import make_embedder, upgrade_for
    from reins.project_guard import DEFAULT_MAX_FILES

    settings = ctx.index_settings
    max_files = int(settings.get("max_files", DEFAULT_MAX_FILES))
    index = ctx.resources.get(
        CODEBASE,
        lambda: CodeIndex.open(
            ctx.workspace.root,
            lambda: make_embedder(settings),
            force=force,
            max_files=max_files,
            upgrade=upgrade_for(settings),
        ),  # fmt: skip
    )
    job: EmbeddingJob = ctx.resources.get(CODEBASE_EMBEDDER, EmbeddingJob)
    index.refresh()
    thread = job.start(index) if index.pending_vectors() else None
    if thread is not None:
        thread.join(timeout=EMBED_WAIT_S)
    return index, job


def render_hits(query: str, hits, pending: int) -> str:
    if not hits:
        return f"no code matches {query!r}; try other words, a symbol name, or grep"
    from reins.index.codebase import WEAK_MATCH  # lazy: the index stack is heavy to import

    if hits[0].match < WEAK_MATCH:
        near = ", ".join(f"{h.path}:{h.start_line}" for h in hits[:3])
        return (f"no good match for {query!r}: the closest chunks ({near}) share few of its "
                "words or its meaning. Try other words, a symbol name, or grep.")  # fmt: skip
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
