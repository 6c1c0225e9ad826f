"""The on-disk index of one repo: SQLite under the user cache dir, one file per repo.

Holds the Merkle tree (files, dirs), the chunks and the vector cache (keyed by chunk content hash
and embedding space, so switching branches back and forth re-embeds nothing). A file that is not
a readable index of this schema version is reported and rebuilt, never trusted. One that is
locked by another process, or cannot be opened or written, raises IndexUnavailable and is left
alone (SQLite waits REINS_INDEX_BUSY_TIMEOUT_S, default 10 s, for a lock first).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from reins.index.chunker import Chunk
from reins.index.merkle import FileEntry
from reins.store.session_store import clean_text

# Bump when the schema, the chunker or the tokens change: old indexes are then rebuilt.
SCHEMA_VERSION = "10"  # 9: doc comments go with their definition; 10: Go types named
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, hash TEXT);
CREATE TABLE IF NOT EXISTS dirs(path TEXT PRIMARY KEY, hash TEXT);
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, start_line INTEGER, end_line INTEGER,
    language TEXT, symbol TEXT, symbols TEXT, context TEXT, kind TEXT, hash TEXT, text TEXT);
CREATE INDEX IF NOT EXISTS chunks_by_path ON chunks(path);
CREATE TABLE IF NOT EXISTS vectors(hash TEXT, space TEXT, vec BLOB, PRIMARY KEY(hash, space));
"""


DEFAULT_BUSY_TIMEOUT_S = 10.0  # REINS_INDEX_BUSY_TIMEOUT_S overrides it


class IndexCorrupt(Exception):
    """The file is not a usable index (damaged, foreign, or an older schema): rebuild it."""


class IndexUnavailable(Exception):
    """The index cannot be used right now (locked, unreadable, not writable, disk full).

    Never fixed by deleting the file; the message says what is wrong and what to do.
    """


def busy_timeout_s() -> float:
    try:
        value = float(os.environ.get("REINS_INDEX_BUSY_TIMEOUT_S", DEFAULT_BUSY_TIMEOUT_S))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT_S
    return value if value >= 0 else DEFAULT_BUSY_TIMEOUT_S


def unavailable(path: Path, error: BaseException) -> IndexUnavailable:
    """Explain a SQLite or OS error met while opening or using the index at `path`."""
    text = str(error)
    lowered = text.lower()
    where = "set REINS_INDEX_DIR to another directory"
    if "locked" in lowered or "busy" in lowered:
        return IndexUnavailable(
            f"the codebase index {path} is locked by another process (a `reins index` or "
            "another session updating it); try again when it finishes, or " + where
        )
    if "disk is full" in lowered or "disk full" in lowered:
        return IndexUnavailable(
            f"the disk holding the codebase index {path} is full ({text}); free some space or "
            + where
        )
    if "readonly" in lowered or "read-only" in lowered or isinstance(error, PermissionError):
        return IndexUnavailable(
            f"the codebase index {path} is not writable ({text}); fix the permissions or " + where
        )
    if "unable to open" in lowered or isinstance(error, OSError):
        return IndexUnavailable(
            f"the codebase index {path} cannot be opened ({text}); check that REINS_INDEX_DIR "
            "(or the user cache dir) is a writable directory, or " + where
        )
    return IndexUnavailable(
        f"the codebase index {path} is unusable ({text}); run `reins index --rebuild` to build "
        "it again, or " + where
    )


def _path_in(path: str) -> str | bytes:
    """A repo path as SQLite can store it: a name that is not valid UTF-8 (os.fsdecode gives it
    lone surrogates) goes in as its raw bytes, so it maps back to the same file."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def _path_out(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def _text(value: str | None) -> str | None:
    """Chunk text SQLite can store: lone surrogates become U+FFFD (it is only shown)."""
    return None if value is None else clean_text(value)


def _is_transient(error: sqlite3.Error) -> bool:
    """Errors that say nothing about the file's content: never a reason to delete it."""
    text = str(error).lower()
    return any(word in text for word in ("locked", "busy", "unable to open", "readonly",
                                         "read-only", "disk is full", "disk i/o"))  # fmt: skip


def index_path(repo: Path) -> Path:
    """REINS_INDEX_DIR, else the user cache dir's index/; the name keys on the repo's path."""
    from reins.models.local_assets import cache_dir

    base = Path(os.environ.get("REINS_INDEX_DIR") or cache_dir() / "index")
    key = hashlib.blake2b(str(repo.resolve()).encode(), digest_size=8).hexdigest()
    return base / f"{repo.resolve().name}-{key}.sqlite"


class IndexStore:
    """One repo's index file. Opening raises IndexCorrupt (delete and rebuild it) or
    IndexUnavailable (leave it alone and tell the user); every method after that raises
    IndexUnavailable for SQLite errors."""

    def __init__(self, path: Path, repo: Path, busy_timeout: float | None = None):
        self.path = path
        timeout = busy_timeout_s() if busy_timeout is None else busy_timeout
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unavailable(path, error) from error
        try:
            self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                      timeout=timeout)  # fmt: skip
        except sqlite3.Error as error:
            raise unavailable(path, error) from error
        try:
            self.db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            found = self._meta("schema")
            if found is None:
                if self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise IndexCorrupt("it has no schema version")
                self.db.executescript(SCHEMA)
                self._set_meta("schema", SCHEMA_VERSION)
                self._set_meta("repo", str(repo.resolve()))
            elif found != SCHEMA_VERSION:
                raise IndexCorrupt(
                    f"it is schema version {found}, this reins uses {SCHEMA_VERSION}"
                )
            if self.db.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                raise IndexCorrupt("SQLite's integrity check failed")
        except sqlite3.Error as error:
            self.db.close()
            if _is_transient(error):
                raise unavailable(path, error) from error
            raise IndexCorrupt(str(error)) from error
        except (IndexCorrupt, IndexUnavailable):
            self.db.close()
            raise

    def _meta(self, key: str) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return None
            raise
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite errors after opening: IndexUnavailable, saying what to do."""
        try:
            yield
        except sqlite3.Error as error:
            raise unavailable(self.path, error) from error

    @property
    def space(self) -> str | None:
        """The embedding space of the vectors last installed (so they load without the model)."""
        with self._guard():
            return self._meta("space")

    @space.setter
    def space(self, name: str) -> None:
        with self._guard():
            self._set_meta("space", name)

    def all_vectors(self, space: str) -> dict[str, np.ndarray]:
        with self._guard():
            rows = self.db.execute("SELECT hash, vec FROM vectors WHERE space=?", (space,))
            return {h: np.frombuffer(blob, dtype=np.float32) for h, blob in rows}

    def close(self) -> None:
        with self._guard():
            self.db.close()

    # -- the Merkle tree --
    def files(self) -> dict[str, FileEntry]:
        with self._guard():
            rows = self.db.execute("SELECT path, size, mtime_ns, hash FROM files")
            return {_path_out(p): FileEntry(s, m, h) for p, s, m, h in rows}

    def dirs(self) -> dict[str, str]:
        with self._guard():
            return {_path_out(p): h for p, h in self.db.execute("SELECT path, hash FROM dirs")}

    def save_tree(self, files: dict[str, FileEntry], dirs: dict[str, str]) -> None:
        with self._guard(), self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM files")
            self.db.executemany(
                "INSERT INTO files VALUES (?,?,?,?)",
                ((_path_in(p), e.size, e.mtime_ns, e.hash) for p, e in files.items()),
            )
            self.db.execute("DELETE FROM dirs")
            self.db.executemany(
                "INSERT INTO dirs VALUES (?,?)", ((_path_in(p), h) for p, h in dirs.items())
            )

    # -- chunks --
    def all_chunks(self) -> Iterable[Chunk]:
        with self._guard():
            rows = self.db.execute(
                "SELECT path, start_line, end_line, language, symbol, symbols, context, kind, "
                "text FROM chunks ORDER BY id"
            ).fetchall()
        for path, start, end, lang, symbol, symbols, context, kind, text in rows:
            yield Chunk(_path_out(path), start, end, lang, text, symbol, json.loads(symbols),
                        context, kind)  # fmt: skip

    def replace_chunks(self, paths: list[str], chunks: list[Chunk]) -> None:
        """Drop the chunks of `paths` and insert `chunks`, in one transaction."""
        with self._guard(), self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("DELETE FROM chunks WHERE path=?", ((_path_in(p),) for p in paths))
            self.db.executemany(
                "INSERT INTO chunks(path, start_line, end_line, language, symbol, symbols, "
                "context, kind, hash, text) VALUES (?,?,?,?,?,?,?,?,?,?)",
                ((_path_in(c.path), c.start_line, c.end_line, c.language, _text(c.symbol),
                  json.dumps(c.symbols), _text(c.context), c.kind, c.hash, _text(c.text))
                 for c in chunks),
            )  # fmt: skip

    # -- vectors --
    def vectors(self, hashes: list[str], space: str) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self._guard():
            for i in range(0, len(hashes), 500):
                part = hashes[i : i + 500]
                marks = ",".join("?" * len(part))
                rows = self.db.execute(
                    f"SELECT hash, vec FROM vectors WHERE space=? AND hash IN ({marks})",
                    (space, *part),
                )
                for h, blob in rows:
                    out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def vector_hashes(self, space: str) -> set[str]:
        """The chunk hashes that have a vector in this space."""
        with self._guard():
            return {h for (h,) in self.db.execute("SELECT hash FROM vectors WHERE space=?",
                                                  (space,))}  # fmt: skip

    def save_vectors(self, space: str, items: list[tuple[str, np.ndarray]]) -> None:
        with self._guard(), self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?,?,?)",
                ((h, space, v.astype(np.float32).tobytes()) for h, v in items),
            )
