import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from reins.agent.store_writer import add_message, load_history
from reins.models.messages import Message, ToolCall
from reins.store import SessionStore, StoreError


def test_wal_mode_and_roundtrip(tmp_path):
    store = SessionStore(tmp_path / "s.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    sid = store.create_session("/repo", "scripted:x", "default", "task")
    call = ToolCall("read_file", {"path": "a"})
    add_message(store, sid, Message("assistant", "hi", tool_calls=[call], raw="raw"))
    store.add_model_call(sid, 1, "m", latency_s=0.5, tokens_in=10, tokens_out=5, tokens_cached=3,
                         tokens_cache_write=1, cost_usd=0.0, stats={"x": 1.0})  # fmt: skip
    store.add_tool_call(sid, 1, call.id, "read_file", '{"path": "a"}', "ok", 0.01, 12, None)
    (message,) = load_history(store, sid)
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


# --- every write is total; StoreError is the only exception -------------------------------

BAD = "bad \ud800 pair \ud83d\ude00 low \udcff"  # lone surrogates around a valid (split) pair
CLEAN = "bad \ufffd pair \U0001f600 low \ufffd"


def _nested(depth: int) -> list:
    root: list = []
    node = root
    for _ in range(depth):
        child: list = []
        node.append(child)
        node = child
    return root


def test_lone_surrogates_are_replaced_and_every_write_still_happens(store):
    sid = store.create_session("/repo" + BAD, "m" + BAD, "p", "title " + BAD)
    call = ToolCall("read" + BAD, {"path": BAD, BAD: [BAD]}, id="call_" + BAD)
    add_message(store, sid, Message("assistant", BAD, tool_calls=[call], reasoning=BAD, raw=BAD))
    add_message(store, sid, Message("tool", BAD, tool_call_id="call_" + BAD, name="read" + BAD))
    store.add_tool_call(sid, 1, "call_" + BAD, "read", json.dumps({"path": BAD},
                        ensure_ascii=False), "ok", 0.1, 3, BAD)  # fmt: skip
    store.add_model_call(sid, 1, "m" + BAD, latency_s=0.1, finish_reason=BAD, error=BAD)
    store.set_model(sid, "m2" + BAD, "p" + BAD)
    store.set_status(sid, "done" + BAD)

    row = store.get_session(sid)
    assert (row.title, row.repo, row.model, row.status) == (
        "title " + CLEAN,
        "/repo" + CLEAN,
        "m2" + CLEAN,
        "done" + CLEAN,
    )
    assistant, tool = load_history(store, sid)
    assert assistant.content == assistant.reasoning == assistant.raw == CLEAN
    assert assistant.tool_calls[0].arguments == {"path": CLEAN, CLEAN: [CLEAN]}
    assert assistant.tool_calls[0].id == tool.tool_call_id == "call_" + CLEAN
    assert json.loads(store.tool_calls(sid)[0]["arguments"]) == {"path": CLEAN}
    assert store.tool_calls(sid)[0]["error_detail"] == CLEAN
    assert store.model_calls(sid)[0]["error"] == CLEAN
    assert store.get_session(sid[:10]) is not None  # a lookup with a bad prefix is fine too
    assert load_history(store, "x" + BAD) == []


def test_deeply_nested_arguments_are_logged_as_a_placeholder(store):
    sid = store.create_session("/r", "m", "p", "t")
    deep = _nested(100_000)
    fine = ToolCall("read_file", {"path": "a.py"})
    bad = ToolCall("edit", {})
    bad.arguments = {"path": "b.py", "edits": deep}  # past any check made when it was built
    add_message(store, sid, Message("assistant", "two calls", tool_calls=[fine, bad]))
    store.add_tool_call(sid, 1, bad.id, "edit", deep, "InvalidArguments", 0.0, 0, "too deep")
    store.add_model_call(sid, 1, "m", latency_s=0.1, stats={"deep": deep})

    (message,) = load_history(store, sid)
    assert message.content == "two calls" and message.tool_calls[0] == fine
    kept = message.tool_calls[1]
    assert (kept.id, kept.name) == (bad.id, "edit")
    assert "deeper than" in kept.arguments["_unstorable"]
    assert kept.arguments["_preview"].startswith('{"path": "b.py", "edits": [[[[')
    logged = json.loads(store.tool_calls(sid)[0]["arguments"])
    assert "too deep" in logged["_unstorable"] and logged["_preview"].startswith("[[[[")
    assert "_unstorable" in json.loads(store.model_calls(sid)[0]["stats"])


def test_rows_that_do_not_decode_fall_back_to_role_and_content(store):
    sid = store.create_session("/r", "m", "p", "t")
    add_message(store, sid, Message("user", "hello"))
    store.db.execute("UPDATE messages SET data = ?", ("[" * 100_000,))
    add_message(store, sid, Message("user", "again"))
    store.db.execute(
        "UPDATE messages SET data = ? WHERE content = 'again'",
        (json.dumps({"role": "user", "content": "again", "from_the_future": 1}),),
    )
    assert [(m.role, m.content) for m in load_history(store, sid)] == [
        ("user", "hello"),
        ("user", "again"),
    ]


def _corrupt(path):
    store = SessionStore(path)
    sid = store.create_session("/r", "m", "p", "t")
    for i in range(300):
        add_message(store, sid, Message("user", f"message {i} " + "x" * 500))
    store.close()  # the last connection checkpoints the WAL into the file
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data), page):  # keep the header page, damage the rest
        data[start + 8 : start + page] = b"\xa5" * (page - 8)
    path.write_bytes(bytes(data))
    return sid


def _every_public_method(store, sid):
    call = ToolCall("f", {})
    yield lambda: store.create_session("/r", "m", "p", "t")
    yield lambda: store.claim(sid)
    yield lambda: store.heartbeat(sid)
    yield lambda: store.set_status(sid, "completed")
    yield lambda: store.set_status(sid, "running")
    yield lambda: store.set_model(sid, "m", "p")
    yield lambda: add_message(store, sid, Message("assistant", "a", tool_calls=[call]))
    yield lambda: store.add_model_call(sid, 1, "m", latency_s=0.1)
    yield lambda: store.add_tool_call(sid, 1, call.id, "f", "{}", "ok", 0.1, 0, None)
    yield lambda: store.list_sessions()
    yield lambda: store.get_session(sid)
    yield lambda: store.get_session(sid[:5])
    yield lambda: store.messages(sid)
    yield lambda: store.model_calls(sid)
    yield lambda: store.tool_calls(sid)


def test_a_corrupt_page_raises_store_error_from_every_method(tmp_path):
    path = tmp_path / "sessions.db"
    sid = _corrupt(path)
    try:
        store = SessionStore(path)
    except StoreError as error:  # the damage may already show when opening
        assert "unreadable" in str(error)
        return
    failures = 0
    for method in _every_public_method(store, sid):
        try:
            method()
        except StoreError as error:
            failures += 1
            assert "malformed" in str(error) or "unreadable" in str(error), error
    assert failures  # the damage was seen
    store.close()
    store.close()  # closing twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.list_sessions()


def test_a_store_locked_past_the_busy_timeout_raises_store_error_everywhere(tmp_path):
    path = tmp_path / "sessions.db"
    first = SessionStore(path)
    sid = first.create_session("/r", "m", "p", "t")
    first.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            SessionStore(path, busy_timeout_s=0.05)
        holder.execute("ROLLBACK")
        store = SessionStore(path, busy_timeout_s=0.05)  # back to WAL
        holder.execute("BEGIN IMMEDIATE")  # now a writer holds the lock: writes wait, then fail
        holder.execute("UPDATE meta SET value = value")
        for method in list(_every_public_method(store, sid))[:9]:
            with pytest.raises(StoreError, match="locked"):
                method()
        store.close()
    finally:
        holder.rollback()
        holder.close()


def test_a_store_dir_that_cannot_be_created_raises_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="REINS_DATA_DIR"):
        SessionStore(blocker / "sessions.db")
    with pytest.raises(StoreError, match="cannot be opened"):
        SessionStore(tmp_path)  # a directory where the file should be


# --- owners: a session whose process is gone reads as interrupted ---------------------------

V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sessions (id TEXT PRIMARY KEY, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    repo TEXT NOT NULL, model TEXT NOT NULL, profile TEXT NOT NULL, title TEXT NOT NULL,
    status TEXT NOT NULL);
CREATE TABLE messages (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id),
    role TEXT NOT NULL, content TEXT NOT NULL, data TEXT NOT NULL, created_at REAL NOT NULL);
CREATE INDEX messages_by_session ON messages(session_id, id);
CREATE TABLE model_calls (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id),
    step INTEGER NOT NULL, model TEXT NOT NULL, tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL, tokens_cached INTEGER NOT NULL,
    tokens_cache_write INTEGER NOT NULL, latency_s REAL NOT NULL, cost_usd REAL,
    finish_reason TEXT, error TEXT, stats TEXT, created_at REAL NOT NULL);
CREATE INDEX model_calls_by_session ON model_calls(session_id);
CREATE TABLE tool_calls (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id),
    step INTEGER NOT NULL, call_id TEXT NOT NULL, tool TEXT NOT NULL, arguments TEXT NOT NULL,
    kind TEXT NOT NULL, duration_s REAL NOT NULL, output_chars INTEGER NOT NULL,
    error_detail TEXT, created_at REAL NOT NULL);
CREATE INDEX tool_calls_by_session ON tool_calls(session_id);
INSERT INTO meta VALUES ('schema', '1');
"""


def test_a_v1_store_is_migrated_in_place(tmp_path):
    path = tmp_path / "sessions.db"
    old = sqlite3.connect(path)
    old.executescript(V1_SCHEMA)
    long_ago, now = time.time() - 86_400, time.time()
    old.executemany("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        ("old-done", long_ago, long_ago, "/r", "m", "default", "finished", "completed"),
        ("old-killed", long_ago, long_ago, "/r", "m", "default", "killed long ago", "running"),
        ("old-recent", now, now, "/r", "m", "default", "maybe still running", "running"),
    ])  # fmt: skip
    old.execute(
        "INSERT INTO messages (session_id, role, content, data, created_at) VALUES (?,?,?,?,?)",
        ("old-done", "user", "hi", json.dumps({"role": "user", "content": "hi"}), long_ago),
    )
    old.commit()
    old.close()

    store = SessionStore(path)
    assert store.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == "3"
    columns = {row[1] for row in store.db.execute("PRAGMA table_info(sessions)")}
    assert {"owner_pid", "owner_host", "owner_start", "owner_token", "heartbeat_at",
            "parent_session_id", "variant", "profile_hash"} <= columns  # fmt: skip
    calls = {row[1] for row in store.db.execute("PRAGMA table_info(model_calls)")}
    assert "error_reason" in calls and store.turns("old-done") == []
    statuses = {r.id: r.status for r in store.list_sessions()}
    # no owner was recorded before v2: only the clock can tell
    assert statuses == {"old-done": "completed", "old-killed": "interrupted",
                        "old-recent": "running"}  # fmt: skip
    assert load_history(store, "old-done")[0].content == "hi"
    store.claim("old-killed")  # a resumed old session gets an owner
    assert store.get_session("old-killed").status == "running"
    sid = store.create_session("/r", "m", "p", "new")
    assert store.get_session(sid).owner_pid == os.getpid()
    store.close()
    SessionStore(path).close()  # opening a migrated file again changes nothing
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreError, match="schema 99"):
        SessionStore(path)


OWNER_SCRIPT = """
import sys, time
from reins.store import SessionStore
store = SessionStore(sys.argv[1])
sid = store.create_session("/r", "m", "p", "killed run")
store.heartbeat(sid)
print(sid, flush=True)
time.sleep(120)
"""


def test_a_session_whose_process_was_killed_reads_as_interrupted(tmp_path):
    path = tmp_path / "sessions.db"
    store = SessionStore(path)
    mine = store.create_session("/r", "m", "p", "this process")
    proc = subprocess.Popen([sys.executable, "-c", OWNER_SCRIPT, str(path)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        theirs = proc.stdout.readline().strip()
        assert store.get_session(theirs).status == "running"  # alive: running
        assert store.get_session(theirs).owner_pid == proc.pid
    finally:
        proc.kill()
        proc.wait()
    statuses = {r.id: r.status for r in store.list_sessions()}
    assert statuses == {mine: "running", theirs: "interrupted"}
    assert store.get_session(theirs).status == "interrupted"
    assert store.heartbeat(theirs) is False  # it belongs to the dead process, not to us
    store.claim(theirs)  # resuming it here
    assert store.get_session(theirs).status == "running"
    assert store.heartbeat(theirs) is True
    store.set_status(theirs, "completed")
    assert store.get_session(theirs).status == "completed"
    store.close()


def test_a_reused_pid_or_a_stale_heartbeat_elsewhere_reads_as_interrupted(store):
    from reins.store.owner import current_owner, process_start

    sid = store.create_session("/r", "m", "p", "t")
    me = current_owner()
    if process_start(os.getpid()) is None:
        pytest.skip("no /proc here to tell pid incarnations apart")

    def owned_by(**columns):
        sets = ", ".join(f"{k} = ?" for k in columns)
        store.db.execute(f"UPDATE sessions SET {sets} WHERE id = ?", (*columns.values(), sid))
        return store.get_session(sid).status

    boot, _, ticks = me.start.partition(":")
    # our pid, but another process's start time and token: the pid was reused
    assert owned_by(owner_token="other", owner_start=f"{boot}:{int(ticks) - 1}") == "interrupted"
    assert owned_by(owner_start=me.start) == "running"  # same incarnation: still alive
    assert owned_by(owner_start=f"another-boot:{ticks}") == "interrupted"  # rebooted since
    old = time.time() - 3600
    assert owned_by(owner_host="elsewhere", heartbeat_at=time.time()) == "running"
    assert owned_by(heartbeat_at=old) == "interrupted"  # other host, silent for an hour
    store.set_status(sid, "completed")
    assert store.get_session(sid).status == "completed"  # only `running` is ever reinterpreted


def test_sessions_view_reports_interrupted_and_store_errors(tmp_path, capsys):
    from reins.ui.sessions_view import list_sessions, show_session

    store = SessionStore(tmp_path / "sessions.db")
    sid = store.create_session("/r", "m", "p", "killed")
    store.db.execute("UPDATE sessions SET owner_pid = 999999999, owner_token = 'gone'")
    list_sessions(store, 10, as_json=True)
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["status"] == "interrupted" and listed["owner_pid"] == 999999999
    list_sessions(store, 10, as_json=False)
    assert "interrupted" in capsys.readouterr().out
    assert show_session(store, sid, as_json=False)
    assert "interrupted: process 999999999" in capsys.readouterr().out
    store.close()
    with pytest.raises(SystemExit) as exit_info:
        list_sessions(store, 10, as_json=False)
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.startswith("reins: error: session store")


def _open_at_once(args) -> str:
    path, barrier = args
    barrier.wait()
    try:
        SessionStore(path).close()
        return "ok"
    except StoreError as error:
        return str(error)


def test_workers_opening_a_new_store_at_once_all_get_it(tmp_path):
    # bench workers start together on a fresh OUT/sessions.db; the switch to WAL must wait
    # for the other opener instead of failing the trial with "locked"
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Manager() as manager, context.Pool(4) as pool:
        for round_ in range(12):
            barrier = manager.Barrier(4)
            path = tmp_path / f"round{round_}.db"
            outcomes = pool.map(_open_at_once, [(path, barrier)] * 4)
            assert outcomes == ["ok"] * 4, outcomes
