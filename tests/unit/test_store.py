import sqlite3

import pytest

from reins.models.messages import Message, ToolCall, Usage
from reins.store import SessionStore, StoreError


def test_wal_mode_and_roundtrip(tmp_path):
    store = SessionStore(tmp_path / "s.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    sid = store.create_session("/repo", "scripted:x", "default", "task")
    call = ToolCall("read_file", {"path": "a"})
    store.add_message(sid, Message("assistant", "hi", tool_calls=[call], raw="raw"))
    store.add_model_call(sid, 1, "m", Usage(10, 5, 3, 1), 0.5, cost_usd=0.0, stats={"x": 1.0})
    store.add_tool_call(sid, 1, call.id, "read_file", '{"path": "a"}', "ok", 0.01, 12, None)
    (message,) = store.messages(sid)
    assert message.tool_calls[0].arguments == {"path": "a"} and message.raw == "raw"
    assert store.model_calls(sid)[0]["tokens_cached"] == 3
    assert store.get_session(sid[:15]).id == sid  # unique prefix works
    store.close()


def test_corrupt_store_is_reported_and_left_untouched(tmp_path):
    path = tmp_path / "sessions.db"
    garbage = b"this is not a sqlite database" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="unreadable.*left untouched"):
        SessionStore(path)
    assert path.read_bytes() == garbage


def test_locked_store_is_reported(tmp_path):
    path = tmp_path / "sessions.db"
    SessionStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        store = SessionStore.__new__(SessionStore)
        store.path = path
        store.db = sqlite3.connect(path, isolation_level=None, timeout=0.1)
        store.db.execute("PRAGMA busy_timeout = 100")
        with pytest.raises(StoreError, match="locked"):
            store.create_session("/r", "m", "p", "t")
    finally:
        holder.rollback()
        holder.close()
