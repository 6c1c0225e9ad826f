"""A locked, misplaced or unwritable codebase index: a clear error, never a deleted index,
an `Unknown` tool result or a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reins.index.codebase import CodeIndex
from reins.index.index_db import IndexUnavailable, index_path
from reins.tools.errors import ErrorKind


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch):
    monkeypatch.setenv("REINS_INDEX_BUSY_TIMEOUT_S", "0.1")


def _built(repo: Path) -> Path:
    index = CodeIndex.open(repo)
    index.refresh()
    index.close()
    return index_path(repo)


class Holder:
    """Another process's connection holding the index file's lock."""

    def __init__(self, path: Path, *, readers_too: bool):
        self.inode = path.stat().st_ino
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        if readers_too:  # rollback journal + EXCLUSIVE: nobody may even read
            self.db.execute("PRAGMA journal_mode = DELETE")
            self.db.execute("BEGIN EXCLUSIVE")
        else:  # WAL: readers go on, writers wait
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE meta SET value = value")

    def release(self) -> None:
        assert self.path.stat().st_ino == self.inode, "the locked index file was replaced"
        self.db.rollback()
        self.db.close()


def test_a_locked_index_is_reported_and_not_deleted(repo):
    path = _built(repo)
    holder = Holder(path, readers_too=True)
    try:
        started = time.perf_counter()
        with pytest.raises(IndexUnavailable, match="locked by another process") as error:
            CodeIndex.open(repo, notify=pytest.fail)  # no "rebuilding it"
        assert time.perf_counter() - started < 5
        assert "REINS_INDEX_DIR" in str(error.value)
        chunks = holder.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        assert chunks  # left alone, not deleted and rebuilt under the other process
    finally:
        holder.release()
    assert CodeIndex.open(repo).search("greet")  # and usable once free


def test_a_write_lock_during_refresh_is_reported(repo):
    path = _built(repo)
    index = CodeIndex.open(repo)
    holder = Holder(path, readers_too=False)
    try:
        (repo / "src" / "new.py").write_text("def fresh():\n    return 1\n")
        with pytest.raises(IndexUnavailable, match="locked"):
            index.refresh()
    finally:
        holder.release()
    index.refresh()  # the next try works
    assert index.search("fresh")[0].path == "src/new.py"
    index.close()


def test_a_misplaced_index_dir_is_reported(repo, tmp_path, monkeypatch):
    not_a_dir = tmp_path / "index-file"
    not_a_dir.write_bytes(b"this is not SQLite, nor a directory" * 10)
    monkeypatch.setenv("REINS_INDEX_DIR", str(not_a_dir))
    with pytest.raises(IndexUnavailable, match="cannot be opened"):
        CodeIndex.open(repo)
    # a directory where the index file should be: not deleted, reported
    monkeypatch.setenv("REINS_INDEX_DIR", str(tmp_path / "index"))
    index_path(repo).mkdir(parents=True)
    with pytest.raises(IndexUnavailable, match="cannot be opened"):
        CodeIndex.open(repo)
    assert index_path(repo).is_dir()


def test_a_file_that_is_not_sqlite_is_rebuilt(repo):
    path = index_path(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not SQLite" * 100)
    notes: list[str] = []
    index = CodeIndex.open(repo, notify=notes.append)
    assert notes and "rebuilding" in notes[0]
    index.refresh()
    assert index.search("greet")[0].path == "src/app.py"
    index.close()


async def test_codebase_search_reports_an_unavailable_index_as_unexpected_environment(
    run, ctx, repo
):
    path = _built(repo)
    holder = Holder(path, readers_too=True)
    try:
        result = await run("codebase_search", query="greet")
    finally:
        holder.release()
    assert result.kind is ErrorKind.UNEXPECTED_ENVIRONMENT, result.output
    assert "locked by another process" in result.output and "grep" in result.output
    ok = await run("codebase_search", query="greet")  # once free, it answers
    assert ok.kind is ErrorKind.OK, ok.output
    ctx.codebase.close()


def _reins(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reins", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120)  # fmt: skip


def test_cli_search_and_index_print_an_error_not_a_traceback(repo, tmp_path):
    path = _built(repo)
    holder = Holder(path, readers_too=True)
    try:
        search = _reins("search", "greet", "--repo", str(repo), cwd=tmp_path)
        index = _reins("index", str(repo), cwd=tmp_path)
    finally:
        holder.release()
    for proc in (search, index):
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.startswith("reins: error: the codebase index"), proc.stderr
        assert "locked" in proc.stderr and "Traceback" not in proc.stderr
    not_a_dir = tmp_path / "index-file"
    not_a_dir.write_text("not SQLite")
    misplaced = _reins("search", "greet", "--repo", str(repo), cwd=tmp_path,
                       REINS_INDEX_DIR=str(not_a_dir))  # fmt: skip
    assert misplaced.returncode == 1 and "Traceback" not in misplaced.stderr
    assert misplaced.stderr.startswith("reins: error:") and "REINS_INDEX_DIR" in misplaced.stderr


def test_a_file_name_that_is_not_utf8_is_indexed_and_found_again(repo):
    name = os.fsdecode(b"caf\xe9.py")  # Latin-1 bytes: a lone surrogate in Python
    (repo / name).write_text("def espresso():\n    return 'short'\n")
    index = CodeIndex.open(repo)
    index.refresh()
    (hit,) = [h for h in index.search("espresso") if h.symbol == "espresso"]
    assert hit.path == name and (repo / hit.path).exists()
    index.close()
    again = CodeIndex.open(repo)
    assert again.refresh().changed == 0  # the stored name maps back to the same file
    assert again.search("espresso")[0].path == name
    again.close()
