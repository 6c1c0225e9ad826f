"""`reins index` and `reins search`: progress on stderr, results (or one JSON array) on stdout."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

INLINE_EMBED_LIMIT = 2000  # fewer pending vectors than this are built before answering


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
                    disable=not console.is_terminal)  # fmt: skip


def open_index(repo: Path, config, console: Console, rebuild: bool = False, force: bool = False):
    from reins.index.codebase import CodeIndex
    from reins.index.embed.factory import make_embedder, upgrade_for
    from reins.index.index_db import index_path, unavailable

    if rebuild:
        path = index_path(repo)
        try:
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()
        except OSError as error:  # IndexUnavailable: `reins: error: …`, not a traceback
            raise unavailable(path, error) from error

    def embedder():
        with _progress(console) as bar:
            task = bar.add_task("preparing the embedding model (first use only)", total=None)
            return make_embedder(
                config.index, lambda done, total: bar.update(task, completed=done, total=total)
            )

    from reins.project_guard import DEFAULT_MAX_FILES

    max_files = int(config.index.get("max_files", DEFAULT_MAX_FILES))
    return CodeIndex.open(repo, embedder=embedder, notify=lambda m: console.print(f"[yellow]{m}"),
                          force=force, max_files=max_files,
                          upgrade=upgrade_for(config.index))  # fmt: skip


def refresh(index, console: Console):
    with _progress(console) as bar:
        task = bar.add_task("indexing", total=None)
        return index.refresh(lambda phase, done, total: bar.update(task, description=phase,
                                                                   completed=done, total=total))  # fmt: skip


def embed(index, console: Console) -> int:
    with _progress(console) as bar:
        task = bar.add_task("embedding", total=None)
        # a slow embedder's batches are smaller, so the bar (and a Ctrl-C) keeps up with it
        batch = getattr(index.embedder, "batch", 512)
        return index.embed_pending(lambda phase, done, total: bar.update(task, completed=done,
                                                                         total=total), batch)  # fmt: skip


def run_index(repo: Path, config, rebuild: bool, force: bool = False,
              background: bool = True) -> None:  # fmt: skip
    """Build or update the index; with an upgrade configured, say how far its vectors are
    and (background) start the filler for the rest."""
    import time

    console = Console(stderr=True)
    started = time.perf_counter()
    index = open_index(repo, config, console, rebuild, force)
    try:
        stats = refresh(index, console)
        lexical_s = time.perf_counter() - started
        embedded = embed(index, console)
        upgrade, missing = index.upgrade, index.upgrade_missing()
        using = index.embedder.name
    finally:
        index.close()
    total_s = time.perf_counter() - started
    Console().print(
        f"indexed {repo.resolve()}: {stats.files} files, {stats.chunks} chunks "
        f"({stats.changed} files changed, {stats.removed} removed, {embedded} chunks embedded) "
        f"in {total_s:.1f}s (keyword search ready after {lexical_s:.1f}s)"
    )
    if upgrade is None or (using == upgrade.name and not missing):
        return
    if not background:
        console.print(f"semantic search: {using}; {missing} chunks lack {upgrade.name} vectors "
                      "(REINS_INDEX_SERVER=0: not filled in the background)")  # fmt: skip
        return
    from reins.index import upgrade as filler

    started_filler = filler.start(repo, config.index) is not None
    console.print(f"semantic search: {using} for now; {missing} chunks are being embedded with "
                  f"{upgrade.name} in the background at idle priority"
                  + ("" if started_filler else " (could not start it)"))  # fmt: skip


def run_search(
    repo: Path, config, query: str, limit: int, as_json: bool, path_glob: str | None,
    force: bool = False,
) -> None:  # fmt: skip
    console = Console(stderr=True)
    index = open_index(repo, config, console, force=force)
    try:
        refresh(index, console)
        pending = index.pending_vectors()
        if pending and pending <= getattr(index.embedder, "query_waits_for", INLINE_EMBED_LIMIT):
            embed(index, console)
            pending = 0
        hits = index.search(query, path_glob=path_glob, limit=limit)
        if as_json:
            print(json.dumps([hit.to_json() for hit in hits]))
        else:
            _print_hits(hits, query)
        if pending:  # answered from the lexical side; build the rest for the next query
            console.print(f"[dim]keyword results; building the semantic index ({pending} chunks; "
                          "Ctrl-C keeps what is done for later)…")  # fmt: skip
            embed(index, console)
    finally:
        index.close()


def _print_hits(hits, query: str) -> None:
    from reins.ui.hits_text import print_hits

    print_hits([dict(hit.to_json(), text=hit.text) for hit in hits], query, as_json=False)
