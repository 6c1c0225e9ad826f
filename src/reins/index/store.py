"""The on-disk index of one repo: SQLite under the user cache dir, one file per repo.

Holds the Merkle tree (files, dirs), the chunks and the vector cache (keyed by chunk content hash
and embedding space, so switching branches back and forth re-embeds nothing). A file that is not
a readable index of this schema version is reported and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from reins.index.chunker import Chunk
from reins.index.merkle import FileEntry

# Bump when the schema, the chunker or the tokens change: old indexes are then rebuilt.
SCHEMA_VERSION = "8"
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


class IndexCorrupt(Exception):
    """The file is not a usable index (damaged, foreign, or an older schema)."""


def index_path(repo: Path) -> Path:
    """REINS_INDEX_DIR, else the user cache dir's index/; the name keys on the repo's path."""
    import os

    from reins.models.local_assets import cache_dir

    base = Path(os.environ.get("REINS_INDEX_DIR") or cache_dir() / "index")
    key = hashlib.blake2b(str(repo.resolve()).encode(), digest_size=8).hexdigest()
    return base / f"{repo.resolve().name}-{key}.sqlite"


class IndexStore:
    def __init__(self, path: Path, repo: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
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
        except sqlite3.DatabaseError as error:
            self.db.close()
            raise IndexCorrupt(str(error)) from error
        except IndexCorrupt:
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

    @property
    def space(self) -> str | None:
        """The embedding space of the vectors last installed (so they load without the model)."""
        return self._meta("space")

    @space.setter
    def space(self, name: str) -> None:
        self._set_meta("space", name)

    def all_vectors(self, space: str) -> dict[str, np.ndarray]:
        rows = self.db.execute("SELECT hash, vec FROM vectors WHERE space=?", (space,))
        return {h: np.frombuffer(blob, dtype=np.float32) for h, blob in rows}

    def close(self) -> None:
        self.db.close()

    # -- the Merkle tree --
    def files(self) -> dict[str, FileEntry]:
        rows = self.db.execute("SELECT path, size, mtime_ns, hash FROM files")
        return {p: FileEntry(s, m, h) for p, s, m, h in rows}

    def dirs(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT path, hash FROM dirs"))

    def save_tree(self, files: dict[str, FileEntry], dirs: dict[str, str]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM files")
            self.db.executemany(
                "INSERT INTO files VALUES (?,?,?,?)",
                ((p, e.size, e.mtime_ns, e.hash) for p, e in files.items()),
            )
            self.db.execute("DELETE FROM dirs")
            self.db.executemany("INSERT INTO dirs VALUES (?,?)", dirs.items())

    # -- chunks --
    def all_chunks(self) -> Iterable[Chunk]:
        rows = self.db.execute(
            "SELECT path, start_line, end_line, language, symbol, symbols, context, kind, text "
            "FROM chunks ORDER BY id"
        )
        for path, start, end, lang, symbol, symbols, context, kind, text in rows:
            yield Chunk(path, start, end, lang, text, symbol, json.loads(symbols), context, kind)

    def replace_chunks(self, paths: list[str], chunks: list[Chunk]) -> None:
        """Drop the chunks of `paths` and insert `chunks`, in one transaction."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("DELETE FROM chunks WHERE path=?", ((p,) for p in paths))
            self.db.executemany(
                "INSERT INTO chunks(path, start_line, end_line, language, symbol, symbols, "
                "context, kind, hash, text) VALUES (?,?,?,?,?,?,?,?,?,?)",
                ((c.path, c.start_line, c.end_line, c.language, c.symbol, json.dumps(c.symbols),
                  c.context, c.kind, c.hash, c.text) for c in chunks),
            )  # fmt: skip

    # -- vectors --
    def vectors(self, hashes: list[str], space: str) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            part = hashes[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT hash, vec FROM vectors WHERE space=? AND hash IN ({marks})", (space, *part)
            )
            for h, blob in rows:
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def save_vectors(self, space: str, items: list[tuple[str, np.ndarray]]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?,?,?)",
                ((h, space, v.astype(np.float32).tobytes()) for h, v in items),
            )
