"""Chunking and tokenizing many files on every core: the cold index of a large repo is CPU-bound."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reins.index.chunker import Chunk, chunk_file
from reins.index.terms import chunk_terms

PARALLEL_MIN_FILES = 300  # below this, starting workers costs more than it saves
BATCH = 64

Prepared = tuple[Chunk, list[str]]  # a chunk and its BM25 terms


def prepare(repo: Path, rel: str) -> list[Prepared]:
    try:
        text = (repo / rel).read_bytes().decode("utf-8", "replace")
    except OSError:
        return []
    return [(c, chunk_terms(c)) for c in chunk_file(rel, text)]


def _prepare_batch(repo: str, rels: list[str]) -> list[Prepared]:
    """One worker's share (runs in a spawned process: module-level, picklable arguments)."""
    return [item for rel in rels for item in prepare(Path(repo), rel)]


def prepare_all(
    repo: Path,
    rels: list[str],
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Iterator[Prepared]:
    """Chunks and terms (reins.index.terms) for `rels`, in order; worker processes when there
    are many files (`workers`: default one a core, up to 4). In-process and in the workers
    the terms come from the same function."""
    workers = workers or min(os.cpu_count() or 1, 4)
    if len(rels) < PARALLEL_MIN_FILES or workers < 2:
        for n, rel in enumerate(rels):
            yield from prepare(repo, rel)
            if progress and (n % 50 == 0 or n + 1 == len(rels)):
                progress(n + 1, len(rels))
        return
    batches = [rels[i : i + BATCH] for i in range(0, len(rels), BATCH)]
    # spawn, not fork: the caller may have threads (the embedding builder) running
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        done = 0
        for batch, items in zip(batches, pool.map(_prepare_batch, [str(repo)] * len(batches),
                                                  batches), strict=True):  # fmt: skip
            yield from items
            done += len(batch)
            if progress:
                progress(done, len(rels))
