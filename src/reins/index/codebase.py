"""CodeIndex: keeps a repo's chunks, BM25 and vectors current and answers hybrid queries."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reins.index.bm25 import BM25
from reins.index.chunker import Chunk
from reins.index.dense import MIN_ROWS, ProjectedRows
from reins.index.embed import DENSE_WEIGHT, GOOD_SIMILARITY, Embedder
from reins.index.files import list_files
from reins.index.index_db import IndexCorrupt, IndexStore, IndexUnavailable, index_path, unavailable
from reins.index.merkle import FileEntry, diff_trees, dir_hashes, hash_files
from reins.index.parallel import prepare_all
from reins.index.ranking import (
    CANDIDATES,
    Signals,
    chunk_traits,
    exact_terms,
    fuse,
    query_identifiers,
    top_k,
)
from reins.index.terms import chunk_terms, index_text
from reins.index.tokens import code_tokens, query_terms
from reins.project_guard import DEFAULT_MAX_FILES, check_project

if TYPE_CHECKING:
    from reins.index.embed.factory import Upgrade

DEFAULT = Signals()
WEAK_MATCH = 0.5  # Hit.match below this: noise
# Half of the query's term weight (question words left out), or the embedder's
# good_similarity (embed.GOOD_SIMILARITY: 0.35 with the static table), makes a real match.
LEXICAL_GOOD = 0.5
Notify = Callable[[str], None]
Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class Hit:
    path: str
    start_line: int
    end_line: int
    score: float
    symbol: str | None  # every name the chunk defines, the one the query asked for first
    text: str
    symbols: list[str] = field(default_factory=list)
    # How well the chunk matches the query, 0..1, calibrated so that below WEAK_MATCH it
    # is noise (a search whose best hit is below it found nothing): see _match.
    match: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "start_line": self.start_line, "end_line": self.end_line,
                "score": round(self.score, 6), "symbol": self.symbol,
                "symbols": self.symbols, "match": round(self.match, 3)}  # fmt: skip


@dataclass
class UpdateStats:
    files: int = 0
    chunks: int = 0
    changed: int = 0
    removed: int = 0
    seconds: float = 0.0


def default_embedder() -> Embedder:
    from reins.index.embed.static import StaticEmbedder

    return StaticEmbedder()


def hit_label(chunk: Chunk, asked: set[str]) -> str | None:
    """The chunk's definitions (a merged chunk lists each: "Context.invoke, Context.forward"),
    the one the query named first; a name defined inside the chunk's definition is shown
    qualified by it ("Context.invoke" for a method of a class chunk)."""
    main = [s for s in (chunk.symbol or "").split(", ") if s]
    named = [s for s in chunk.symbols if s.rsplit(".", 1)[-1] in asked]
    first = [s for s in main if s in named]
    if not first and named:  # defined inside: qualified when its parent is certain
        inside = len(main) == 1 and "." not in named[0]
        first = [f"{main[0]}.{named[0]}" if inside else named[0]]
    rest = [s for s in main if s not in first]
    return ", ".join(first + rest) or (named[0] if named else None)


class CodeIndex:
    def __init__(self, repo: Path, store: IndexStore, embedder: Callable[[], Embedder],
                 upgrade: Upgrade | None = None):  # fmt: skip
        self.repo = repo
        self.store = store
        self._make_embedder = embedder
        self._embedder: Embedder | None = None
        self.upgrade = upgrade  # a better embedder, used once its vectors are in
        self.generation = 0  # counts refreshes that changed something
        self.lock = threading.RLock()
        self.chunks: list[Chunk | None] = []
        self.alive = np.zeros(0, dtype=bool)
        self.has_vector = np.zeros(0, dtype=bool)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self._projected: ProjectedRows | None = None  # made by the first search of a large index
        self.bm25 = BM25()
        self.path_slots: dict[str, list[int]] = {}
        self.symbol_slots: dict[str, list[int]] = {}
        self._files: dict[str, FileEntry] = store.files()
        self._dirs: dict[str, str] = store.dirs()
        for chunk in store.all_chunks():
            self._add_slot(chunk)
        self.space = store.space  # whose vectors the matrix holds
        if self.space:
            self._install_stored()

    @classmethod
    def open(cls, repo: Path, embedder: Callable[[], Embedder] | None = None,
             notify: Notify | None = None, *, force: bool = False,
             max_files: int = DEFAULT_MAX_FILES, upgrade: Upgrade | None = None,
             ) -> CodeIndex:  # fmt: skip
        """NotAProject for a home directory, the filesystem root or a folder over
        max_files files (unless force, or an index of it exists already)."""
        repo = repo.resolve()
        if not repo.is_dir():
            raise FileNotFoundError(f"not a directory: {repo}")
        path = index_path(repo)
        if not path.exists():
            check_project(repo, what="indexed", max_files=max_files, force=force)
        try:
            store = IndexStore(path, repo)
        except IndexCorrupt as error:
            if notify:
                notify(f"the index at {path} is unusable ({error}); rebuilding it")
            try:
                for leftover in (path, path.with_name(path.name + "-wal"),
                                 path.with_name(path.name + "-shm")):  # fmt: skip
                    leftover.unlink(missing_ok=True)
            except OSError as cause:
                raise unavailable(path, cause) from cause
            try:
                store = IndexStore(path, repo)
            except IndexCorrupt as again:
                raise IndexUnavailable(
                    f"the codebase index {path} is unusable ({again}) even after deleting it; "
                    "set REINS_INDEX_DIR to another directory"
                ) from again
        try:
            return cls(repo, store, embedder or default_embedder, upgrade)
        except BaseException:
            store.db.close()
            raise

    def close(self) -> None:
        with self.lock:
            self.store.close()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            upgrade = self.upgrade if self._upgrade_ready() else None
            embedder = upgrade.make() if upgrade else self._make_embedder()
            with self.lock:
                self._embedder = embedder
                # the index file may name another space: the upgrade's filler ended since
                # the last process switched it
                self._use_space(embedder.name)
        return self._embedder

    def _install_stored(self) -> None:
        """The stored vectors of the index's space, for every chunk that has one."""
        stored = self.store.all_vectors(self.space)
        for slot, chunk in enumerate(self.chunks):
            vec = stored.get(chunk.hash) if chunk is not None else None
            if vec is not None:
                self._install_vector(slot, chunk, vec)

    # -- the upgrade (index/upgrade.py fills its vectors in the background) --
    def upgrade_missing(self) -> int:
        """Live chunks without a vector of the upgrade's (0 without an upgrade)."""
        return self.upgrade_coverage()[1]

    def upgrade_coverage(self) -> tuple[int, int]:
        """(live chunks with an upgrade vector, live chunks without one)."""
        if self.upgrade is None:
            return 0, 0
        with self.lock:
            slots = np.flatnonzero(self.alive[: len(self.chunks)])
            live = {c.hash for s in slots if (c := self.chunks[s]) is not None}
            have = self.store.vector_hashes(self.upgrade.name)
        return len(live & have), len(live - have)

    def _upgrade_ready(self, coverage: tuple[int, int] | None = None) -> bool:
        """The filler has been (a new index has nothing of it) and left at most the few
        chunks the upgrade embeds on demand."""
        have, missing = coverage or self.upgrade_coverage()
        return self.upgrade is not None and have > 0 and missing <= self.upgrade.waits_for

    def maybe_upgrade(self, coverage: tuple[int, int] | None = None) -> bool:
        """Switch to the upgrade once its vectors are in; True if it switched. `coverage`:
        upgrade_coverage() if the caller has just read it (a scan of every stored hash)."""
        if self.upgrade is None or self.embedder.name == self.upgrade.name:
            return False
        if not self._upgrade_ready(coverage):
            return False
        better = self.upgrade.make()
        with self.lock:
            self._embedder = better
        self.embed_pending()  # from the vectors the filler stored
        return True

    # -- keeping current --
    def refresh(self, progress: Progress | None = None) -> UpdateStats:
        """Bring chunks and BM25 up to date with the files on disk (vectors: embed_pending)."""
        started = time.perf_counter()
        with self.lock:
            stats = list_files(self.repo)
            files = hash_files(self.repo, stats, self._files)
            dirs = dir_hashes(files)
            diff = diff_trees(self._files, self._dirs, files, dirs)
            result = UpdateStats(changed=len(diff.changed), removed=len(diff.removed))
            if not diff.empty:
                report = (
                    (lambda done, total: progress("chunking", done, total)) if progress else None
                )
                prepared = list(prepare_all(self.repo, diff.changed, report))
                touched = diff.changed + diff.removed
                for rel in touched:
                    self._remove_path(rel)
                self.store.replace_chunks(touched, [chunk for chunk, _ in prepared])
                for chunk, terms in prepared:
                    self._add_slot(chunk, terms)
                self.generation += 1
            if files != self._files or dirs != self._dirs:
                self.store.save_tree(files, dirs)
                self._files, self._dirs = files, dirs
            result.files = sum(1 for e in files.values() if e.hash)
            result.chunks = int(self.alive.sum())
        result.seconds = time.perf_counter() - started
        return result

    def pending_vectors(self) -> int:
        self.embedder  # noqa: B018 - choosing it installs its space's stored vectors first
        with self.lock:
            return int((self.alive & ~self.has_vector).sum())

    def embed_pending(self, progress: Progress | None = None, batch: int = 512) -> int:
        """Vectors for chunks that lack one: from the cache by content hash, else the model."""
        embedder = self.embedder
        with self.lock:
            self._use_space(embedder.name)
            slots = [int(s) for s in np.flatnonzero(self.alive & ~self.has_vector)]
            work = [(s, self.chunks[s]) for s in slots]
        todo = [(s, c) for s, c in work if c is not None]
        with self.lock:  # one SQLite connection: every use goes through the lock
            cached = self.store.vectors([c.hash for _, c in todo], embedder.name)
        done = 0
        fresh: list[tuple[int, Chunk]] = []
        with self.lock:
            for slot, chunk in todo:
                vec = cached.get(chunk.hash)
                if vec is not None and self._install_vector(slot, chunk, vec):
                    done += 1
                elif vec is None:
                    fresh.append((slot, chunk))
        for i in range(0, len(fresh), batch):
            part = fresh[i : i + batch]
            vectors = embedder.embed([index_text(c) for _, c in part])
            pairs = [(c.hash, v) for (_, c), v in zip(part, vectors, strict=True)]
            with self.lock:
                self.store.save_vectors(embedder.name, pairs)
                for (slot, chunk), vec in zip(part, vectors, strict=True):
                    done += self._install_vector(slot, chunk, vec)
            if progress:
                progress("embedding", min(i + batch, len(fresh)), len(fresh))
        return done

    def _use_space(self, name: str) -> None:
        """Vectors from another embedding model cannot be compared with this one's: drop
        them, and install the ones stored for this model (a filler's, an earlier switch's)."""
        if self.space != name:
            self.has_vector[:] = False
            self._projected = None  # its directions are the old space's
            self.space = self.store.space = name
            self._install_stored()

    def _install_vector(self, slot: int, chunk: Chunk, vec: np.ndarray) -> bool:
        if slot >= len(self.chunks) or self.chunks[slot] is not chunk:
            return False  # the chunk was replaced while we embedded
        if self.matrix.shape[1] != vec.shape[0]:
            self.matrix = np.zeros((max(len(self.chunks), 1), vec.shape[0]), dtype=np.float32)
            self.has_vector[:] = False
            self._projected = None
        self._grow_matrix(slot)
        self.matrix[slot] = vec
        if self._projected is not None:
            self._projected.set(slot, vec)
        self.has_vector[slot] = True
        return True

    def _grow_matrix(self, slot: int) -> None:
        """Room for slot's row (zeros until its vector comes): a search after a refresh
        that added chunks, before they are embedded, scores every chunk."""
        if self.matrix.shape[1] and slot >= len(self.matrix):
            grown = np.zeros(
                (max(2 * len(self.matrix), slot + 1), self.matrix.shape[1]), np.float32
            )
            grown[: len(self.matrix)] = self.matrix
            self.matrix = grown

    def _add_slot(self, chunk: Chunk, terms: list[str] | None = None) -> None:
        slot = len(self.chunks)
        self.chunks.append(chunk)
        if slot >= len(self.alive):
            size = max(64, 2 * len(self.alive))
            self.alive = np.resize(self.alive, size)
            self.alive[slot:] = False
            self.has_vector = np.resize(self.has_vector, size)
            self.has_vector[slot:] = False
        self.alive[slot] = True
        self._grow_matrix(slot)
        chunk_traits(chunk)  # once here (4 µs a chunk), not on the first query that meets it
        self.bm25.add(slot, chunk_terms(chunk) if terms is None else terms)
        self.path_slots.setdefault(chunk.path, []).append(slot)
        for symbol in chunk.symbols:
            self.symbol_slots.setdefault(symbol.rsplit(".", 1)[-1].lower(), []).append(slot)

    def _remove_path(self, rel: str) -> None:
        for slot in self.path_slots.pop(rel, []):
            chunk = self.chunks[slot]
            if chunk is None:
                continue
            self.bm25.remove(slot, chunk_terms(chunk))
            for symbol in chunk.symbols:
                key = symbol.rsplit(".", 1)[-1].lower()
                slots = self.symbol_slots.get(key, [])
                if slot in slots:
                    slots.remove(slot)
            self.chunks[slot] = None
            self.alive[slot] = False
            self.has_vector[slot] = False

    # -- querying --
    def search(
        self, query: str, path_glob: str | None = None, limit: int = 10, signals: Signals = DEFAULT
    ) -> list[Hit]:
        query = query.strip()
        if not query:
            return []
        with self.lock:
            size = len(self.chunks)
            valid = self.alive[:size].copy()
            if path_glob:
                valid &= self._glob_mask(path_glob, size)
            vectors = None  # the chunks the dense side ranks
            if signals.dense and self.has_vector[:size].any():
                self._use_space(self.embedder.name)
                vectors = valid & self.has_vector[:size]
                if not vectors.any():
                    vectors = None
            # An embedder that is slow on a query (the whole MiniLM: 2-3 ms; a remote one: a
            # round trip) sets `overlap_query`: the lexical side is scored on a worker thread
            # meanwhile (onnxruntime, numpy and HTTP let go of the GIL). The worker gets the
            # shorter side, so that waking it (0.6 ms on a shared VM) is not on the way.
            overlap = vectors is not None and getattr(self.embedder, "overlap_query", False)
            lexical_side = (
                _lexical_worker().submit(self._lexical_side, query, valid, size, signals)
                if overlap
                else None
            )
            try:
                query_vector, dense = None, []
                if vectors is not None:
                    query_vector = self.embedder.embed([query])[0]
                    dense = self._dense_ranking(query_vector, vectors, size)
                if lexical_side is not None:
                    lexical, coverage = lexical_side.result()
                else:
                    lexical, coverage = self._lexical_side(query, valid, size, signals)
            finally:  # the worker reads the index: it must be done before the lock is let go
                if lexical_side is not None:
                    concurrent.futures.wait([lexical_side])
            if signals.dense and signals.dense_weight is None:  # the embedder's own share
                weight = getattr(self.embedder, "dense_weight", DENSE_WEIGHT)
                signals = dataclasses.replace(signals, dense_weight=weight)
            fused = fuse(lexical, dense, self.chunks, query, self.symbol_slots, signals)
            # the candidates as arrays: per-candidate Python below cost a millisecond on django
            slots = np.fromiter(fused, dtype=np.int64, count=len(fused))
            scores = np.fromiter(fused.values(), dtype=np.float64, count=len(fused))
            keep = valid[slots]
            slots, scores = slots[keep], scores[keep]
            if signals.coverage:  # ranks alone forget how much of the query a chunk holds
                scores *= 1 + signals.coverage * coverage[slots].astype(np.float64)
            best = np.argsort(-scores, kind="stable")[:limit]  # ties: fusion's order
            hits = []
            names = {n.rsplit(".", 1)[-1] for n in query_identifiers(query)}
            for slot, score in zip(slots[best].tolist(), scores[best].tolist(), strict=True):
                chunk = self.chunks[slot]
                assert chunk is not None
                match = self._match(slot, coverage, query_vector)
                hits.append(Hit(chunk.path, chunk.start_line, chunk.end_line, score,
                                hit_label(chunk, names), chunk.text, list(chunk.symbols),
                                match))  # fmt: skip
            return hits

    def _term_weights(self, query: str) -> dict[str, float]:
        """Each query term's idf (a term no chunk has weighs the most)."""
        n = max(len(self.bm25), 1)
        weights = {}
        for term in set(query_terms(query)):
            docs = self.bm25.postings.get(term, {})
            weights[term] = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
        return weights

    def _coverage(self, weights: dict[str, float], size: int) -> np.ndarray:
        """Per chunk, the idf-weighted share of the query's terms it contains, 0..1 (one
        numpy pass over each term's postings: per candidate it cost most of a query)."""
        covered = np.zeros(size, dtype=np.float32)
        total = sum(weights.values())
        if not total:
            return covered
        for term, weight in weights.items():
            docs = self.bm25.postings.get(term)
            if docs:
                slots = self.bm25.posting_slots(term, docs)
                covered[slots[slots < size]] += weight
        return covered / total

    def _lexical_side(
        self, query: str, valid: np.ndarray, size: int, signals: Signals
    ) -> tuple[list[int], np.ndarray]:
        """The lexical candidates, and per chunk the idf-weighted share of the query's terms
        it holds (once per search, for every chunk: the final scores and the match use it).
        Runs on the lexical worker while the searching thread holds the lock: it takes none."""
        lexical: list[int] = []
        if signals.lexical or not signals.dense:
            lexical = top_k(self.bm25.scores(query_terms(query), size), CANDIDATES, valid)
        if signals.exact:  # every chunk holding an exact name is a candidate too
            lexical += self._exact_slots(query, valid, set(lexical))
        return lexical, self._coverage(self._term_weights(query), size)

    def _dense_ranking(self, query_vector: np.ndarray, vectors: np.ndarray, size: int) -> list[int]:
        """The CANDIDATES chunks nearest the query (a large index ranks from a projection of
        its vectors: dense.py says why)."""
        if size < MIN_ROWS:
            return top_k(self.matrix[:size] @ query_vector, CANDIDATES, vectors)
        embedded = self.has_vector[:size]
        if self._projected is None or 2 * self._projected.fitted_on < np.count_nonzero(embedded):
            self._projected = ProjectedRows(self.matrix, size, embedded)
        return self._projected.top(self.matrix, size, query_vector, vectors, CANDIDATES)

    def _match(self, slot: int, coverage: np.ndarray, query_vector: np.ndarray | None) -> float:
        """max(idf-weighted share of the query's terms in the chunk / LEXICAL_GOOD,
        embedding similarity / the embedder's good_similarity) / 2, capped at 1: 0.5 is the line between a
        match and noise. Calibrated on the 160 human-style queries (every top hit of a real
        query is above it) against 18 off-topic and gibberish ones (86% below it)."""
        lexical = float(coverage[slot])
        dense = 0.0
        if query_vector is not None and self.has_vector[slot]:
            dense = float(self.matrix[slot] @ query_vector)
        good = getattr(self.embedder, "good_similarity", GOOD_SIMILARITY)
        return min(1.0, max(lexical / LEXICAL_GOOD, dense / good) / 2)

    def _exact_slots(self, query: str, valid: np.ndarray, seen: set[int]) -> list[int]:
        """Slots holding all of the query's exact names (by the BM25 postings of each whole
        name), beyond the lexical candidates; at most CANDIDATES of them."""
        names = [t for t in exact_terms(query) if " " not in t]
        slots: set[int] | None = None
        for name in names:
            whole = code_tokens(name)[:1]
            docs = self.bm25.postings.get(whole[0], {}) if whole else {}
            found = {slot for slot in docs if slot < len(valid) and valid[slot]}
            slots = found if slots is None else slots & found
        return sorted((slots or set()) - seen)[:CANDIDATES]

    def _glob_mask(self, glob: str, size: int) -> np.ndarray:
        import pathspec

        spec = pathspec.GitIgnoreSpec.from_lines([glob])
        mask = np.zeros(size, dtype=bool)
        for path, slots in self.path_slots.items():
            if spec.match_file(path):
                mask[[s for s in slots if s < size]] = True
        return mask


@functools.cache
def _lexical_worker() -> concurrent.futures.ThreadPoolExecutor:
    """One thread for every index in the process: a query's lexical side at a time is enough."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="reins-lexical")
