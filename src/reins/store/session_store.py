"""SessionStore: append-only event rows; every insert is its own committed transaction.

Every public method either does its job or raises StoreError (whose message says what is wrong
and what to do); nothing else escapes. Writes are total: text SQLite cannot encode (lone
surrogates) is stored with the bad code points replaced by U+FFFD, and a structure too deep to
serialise is stored as a placeholder with a preview, so the event is still logged.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from reins.store import owner as owners
from reins.store.sanitize import clean_text, clean_value, safe_json

SCHEMA_VERSION = "3"
# Columns each schema version added (table, column, type); opening an older file adds them
# in place. New tables come from schema.sql itself (CREATE TABLE IF NOT EXISTS).
MIGRATIONS: dict[str, list[tuple[str, str, str]]] = {
    "2": [
        ("sessions", "owner_pid", "INTEGER"),
        ("sessions", "owner_host", "TEXT"),
        ("sessions", "owner_start", "TEXT"),
        ("sessions", "owner_token", "TEXT"),
        ("sessions", "heartbeat_at", "REAL"),
    ],
    "3": [  # the lab and RL: which run a session belongs to, and which harness ran it
        ("sessions", "parent_session_id", "TEXT"),
        ("sessions", "variant", "TEXT"),
        ("sessions", "profile_hash", "TEXT"),
        ("model_calls", "error_reason", "TEXT"),
    ],
}
DEFAULT_BUSY_TIMEOUT_S = 5.0
# What a `running` session whose process is gone reads as (list_sessions, get_session).
INTERRUPTED = "interrupted"
_SQLITE_FAILURES = (sqlite3.Error, OverflowError, ValueError, UnicodeError)


class StoreError(RuntimeError):
    """The store cannot be used; the message says why and what to do. Never auto-repaired."""


class AmbiguousSession(StoreError):
    """An id prefix that names more than one session."""

    def __init__(self, prefix: str, ids: list[str]):
        self.ids = ids
        shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        super().__init__(f"session id {prefix!r} is ambiguous: it matches {shown}; "
                         "give more characters")  # fmt: skip


def default_store_path() -> Path:
    from platformdirs import user_data_dir

    base = os.environ.get("REINS_DATA_DIR") or user_data_dir("reins")
    return Path(base) / "sessions.db"


@dataclass
class SessionRow:
    id: str
    created_at: float
    updated_at: float
    repo: str
    model: str
    profile: str
    title: str
    # As reported: a `running` session whose owner process is gone reads as "interrupted".
    status: str
    owner_pid: int | None = None
    owner_host: str | None = None
    heartbeat_at: float | None = None
    parent_session_id: str | None = None  # the lab/RL run that started it, or a parent agent
    variant: str | None = None  # which harness variant ran it (the lab's A/B arm)
    profile_hash: str | None = None  # Profile.digest(): the exact harness configuration


_ROW_COLUMNS = (
    "id, created_at, updated_at, repo, model, profile, title, status, owner_pid, owner_host, "
    "heartbeat_at, owner_start, owner_token, parent_session_id, variant, profile_hash"
)


# --- the store -----------------------------------------------------------------------------


class SessionStore:
    # A `running` session on another host reads as interrupted after this long without a
    # heartbeat (on this host the owner pid is checked instead).
    stale_after_s: float = owners.STALE_AFTER_S

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
        stale_after_s: float = owners.STALE_AFTER_S,
    ):
        self.path = Path(path)
        self.stale_after_s = stale_after_s
        self.db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"cannot create the directory for the session store {self.path} ({error}); "
                "set REINS_DATA_DIR to a writable directory"
            ) from error
        try:
            # Autocommit: each INSERT commits at once, so a killed process loses nothing done.
            self.db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=busy_timeout_s
            )
            self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            self._enter_wal(busy_timeout_s)
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.executescript(
                resources.files("reins.store").joinpath("schema.sql").read_text("utf-8")
            )
            found = self._schema()
            if found is None:
                self.db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,)
                )
                found = self._schema()
            if found != SCHEMA_VERSION and found in _older_versions():
                self._migrate()
                found = self._schema()
            if found != SCHEMA_VERSION:
                raise StoreError(
                    f"session store {self.path} has schema {found}, this reins expects "
                    f"{SCHEMA_VERSION}; move the file aside to start a new log"
                )
        except StoreError:
            self._close_quietly()
            raise
        except _SQLITE_FAILURES as error:
            self._close_quietly()
            raise self._explain(error) from error

    def _enter_wal(self, wait_s: float) -> None:
        """Switch a new file to WAL. Two processes opening the same new file at once (bench
        workers) can get "database is locked" here at once: SQLite does not call the busy
        handler for this switch, so wait for the other one as a busy handler would."""
        assert self.db is not None
        deadline = time.monotonic() + wait_s
        while True:
            try:
                self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _schema(self) -> str | None:
        assert self.db is not None
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        return None if row is None else str(row[0])

    def _migrate(self) -> None:
        """Bring an older file up to SCHEMA_VERSION in place, in one transaction."""
        assert self.db is not None
        self.db.execute("BEGIN IMMEDIATE")  # another process may be migrating the same file
        try:
            found = self._schema()
            if found in _older_versions():
                for version in sorted(MIGRATIONS, key=int):
                    if int(version) <= int(found):  # type: ignore[arg-type]
                        continue
                    for table, name, kind in MIGRATIONS[version]:
                        have = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
                        if name not in have:
                            self.db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
                self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _explain(self, error: BaseException) -> StoreError:
        text = str(error)
        lowered = text.lower()
        if "locked" in lowered or "busy" in lowered:
            return StoreError(
                f"session store {self.path} is locked by another process; wait for it or "
                "point REINS_DATA_DIR elsewhere"
            )
        if "disk is full" in lowered or "disk full" in lowered:
            return StoreError(
                f"the disk holding the session store {self.path} is full ({text}); free some "
                "space or point REINS_DATA_DIR elsewhere"
            )
        if "readonly" in lowered or "read-only" in lowered:
            return StoreError(
                f"session store {self.path} is read-only ({text}); fix its permissions or point "
                "REINS_DATA_DIR at a writable directory"
            )
        if "unable to open" in lowered:
            return StoreError(
                f"session store {self.path} cannot be opened ({text}); check that its directory "
                "exists and is writable, or set REINS_DATA_DIR"
            )
        if "closed" in lowered:
            return StoreError(f"session store {self.path} was already closed ({text})")
        if "too big" in lowered or isinstance(error, OverflowError):
            return StoreError(f"a value is too large for the session store {self.path} ({text})")
        return StoreError(
            f"session store {self.path} is unreadable ({text}). It was left untouched; "
            "move it aside (or set REINS_DATA_DIR) to start a new log, or repair it with "
            "sqlite3 .recover"
        )

    def _conn(self) -> sqlite3.Connection:
        if self.db is None:
            raise StoreError(f"session store {self.path} was already closed")
        return self.db

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        """Run one statement (its own transaction); the number of rows it changed."""
        db = self._conn()
        try:
            return db.execute(sql, tuple(clean_value(p) for p in params)).rowcount
        except _SQLITE_FAILURES as error:
            raise self._explain(error) from error

    def _close_quietly(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None

    # --- writes ----------------------------------------------------------------------

    def create_session(
        self, repo: str, model: str, profile: str, title: str, *,
        parent_session_id: str | None = None, variant: str | None = None,
        profile_hash: str | None = None,
    ) -> str:  # fmt: skip
        """A new `running` session, owned by this process (see claim)."""
        session_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        now = time.time()
        me = owners.current_owner()
        self._write(
            "INSERT INTO sessions (id, created_at, updated_at, repo, model, profile, title, status,"
            " owner_pid, owner_host, owner_start, owner_token, heartbeat_at, parent_session_id,"
            " variant, profile_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, now, now, repo, model, profile, str(title)[:200], "running",
             me.pid, me.host, me.start, me.token, now, parent_session_id, variant, profile_hash),
        )  # fmt: skip
        return session_id

    def claim(self, session_id: str) -> None:
        """A run of `session_id` starts in this process: mark it `running`, record us as owner."""
        now = time.time()
        me = owners.current_owner()
        self._write(
            "UPDATE sessions SET status = 'running', updated_at = ?, heartbeat_at = ?,"
            " owner_pid = ?, owner_host = ?, owner_start = ?, owner_token = ? WHERE id = ?",
            (now, now, me.pid, me.host, me.start, me.token, session_id),
        )

    def heartbeat(self, session_id: str) -> bool:
        """The owner is alive (call once a step). False if another process claimed the session
        since (or it does not exist); a session with no recorded owner is claimed."""
        me = owners.current_owner()
        changed = self._write(
            "UPDATE sessions SET heartbeat_at = ?, owner_pid = ?, owner_host = ?, owner_start = ?,"
            " owner_token = ? WHERE id = ? AND (owner_token IS NULL OR owner_token = ?)",
            (time.time(), me.pid, me.host, me.start, me.token, session_id, me.token),
        )
        return changed > 0

    def set_status(self, session_id: str, status: str) -> None:
        """`running` claims the session for this process (see claim); others just record."""
        if status == "running":
            self.claim(session_id)
            return
        self._write(
            "UPDATE sessions SET status = ?, updated_at = ? WHERE id = ?",
            (status, time.time(), session_id),
        )

    def set_model(
        self, session_id: str, model: str, profile: str, profile_hash: str | None = None
    ) -> None:
        self._write(
            "UPDATE sessions SET model = ?, profile = ?, profile_hash = ? WHERE id = ?",
            (model, profile, profile_hash, session_id),
        )

    def add_message(self, session_id: str, role: str, content: str, record: dict) -> None:
        """One message of the conversation; `record` is its full form (see Message.to_dict)."""
        self._write(
            "INSERT INTO messages (session_id, role, content, data, created_at) VALUES (?, ?, ?, ?, ?)",
            (session_id, str(role), str(content), safe_json(record), time.time()),
        )

    def add_model_call(
        self,
        session_id: str,
        step: int,
        model: str,
        *,
        latency_s: float,
        tokens_in: int = 0,
        tokens_out: int = 0,
        tokens_cached: int = 0,
        tokens_cache_write: int = 0,
        cost_usd: float | None = None,
        finish_reason: str | None = None,
        error: str | None = None,
        error_reason: str | None = None,
        stats: dict[str, float] | None = None,
    ) -> None:
        self._write(
            "INSERT INTO model_calls (session_id, step, model, tokens_in, tokens_out, tokens_cached,"
            " tokens_cache_write, latency_s, cost_usd, finish_reason, error, error_reason, stats,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id, step, model, tokens_in, tokens_out, tokens_cached, tokens_cache_write,
                latency_s, cost_usd, finish_reason, error, error_reason,
                safe_json(stats) if stats else None, time.time(),
            ),
        )  # fmt: skip

    def start_turn(self, session_id: str, turn: int, request: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO turns (session_id, turn, request, started_at, status)"
            " VALUES (?, ?, ?, ?, 'running')",
            (session_id, turn, request, time.time()),
        )

    def end_turn(
        self, session_id: str, turn: int, *, status: str, steps: int, tool_calls: int,
        tokens_in: int, tokens_out: int, wall_s: float, final_message: str,
    ) -> None:  # fmt: skip
        self._write(
            "UPDATE turns SET ended_at = ?, status = ?, steps = ?, tool_calls = ?, tokens_in = ?,"
            " tokens_out = ?, wall_s = ?, final_message = ? WHERE session_id = ? AND turn = ?",
            (time.time(), status, steps, tool_calls, tokens_in, tokens_out, wall_s,
             final_message, session_id, turn),
        )  # fmt: skip

    def add_tool_call(
        self,
        session_id: str,
        step: int,
        call_id: str,
        tool: str,
        arguments: str,
        kind: str,
        duration_s: float,
        output_chars: int,
        error_detail: str | None,
    ) -> None:
        if not isinstance(arguments, str):  # a structure: serialise it safely here
            arguments = safe_json(arguments)
        self._write(
            "INSERT INTO tool_calls (session_id, step, call_id, tool, arguments, kind, duration_s,"
            " output_chars, error_detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, step, call_id, tool, arguments, kind, duration_s, output_chars,
             error_detail, time.time()),
        )  # fmt: skip

    # --- reads -----------------------------------------------------------------------

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple]:
        db = self._conn()
        try:
            return db.execute(sql, tuple(clean_value(p) for p in params)).fetchall()
        except _SQLITE_FAILURES as error:
            raise self._explain(error) from error

    def _row(self, row: tuple, now: float) -> SessionRow:
        (sid, created, updated, repo, model, profile, title, status, pid, host, heartbeat,
         start, token, parent, variant, profile_hash) = row  # fmt: skip
        if status == "running" and owners.owner_gone(
            pid, host, start, token, heartbeat if heartbeat is not None else updated, now,
            self.stale_after_s,
        ):  # fmt: skip
            status = INTERRUPTED
        return SessionRow(sid, created, updated, repo, model, profile, title, status, pid, host,
                          heartbeat, parent, variant, profile_hash)  # fmt: skip

    def list_sessions(self, limit: int = 50) -> list[SessionRow]:
        """Newest first; `running` sessions whose owner process is gone read as interrupted."""
        rows = self._read(
            f"SELECT {_ROW_COLUMNS} FROM sessions ORDER BY created_at DESC LIMIT ?", (limit,)
        )
        now = time.time()
        return [self._row(row, now) for row in rows]

    def get_session(self, session_id: str) -> SessionRow | None:
        """By ID, or a prefix of the ID or of its random part (the six characters after
        the time stamp); None when nothing matches, AmbiguousSession when several do.
        Status as in list_sessions."""
        rows = self._read(f"SELECT {_ROW_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        if not rows and session_id:
            n = len(session_id)
            rows = self._read(
                f"SELECT {_ROW_COLUMNS} FROM sessions WHERE substr(id, 1, ?) = ?"
                " OR substr(id, 17, ?) = ? ORDER BY created_at DESC LIMIT 50",
                (n, session_id, n, session_id),
            )
            if len(rows) > 1:
                raise AmbiguousSession(session_id, [row[0] for row in rows])
        if not rows:
            return None
        return self._row(rows[0], time.time())

    def totals(self, session_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Per session: model_calls, tokens_in, tokens_out, tokens_cached, cost_usd (None
        when a call's price is unknown), tool_calls."""
        if not session_ids:
            return {}
        marks = ",".join("?" * len(session_ids))
        out = {sid: {"model_calls": 0, "tokens_in": 0, "tokens_out": 0, "tokens_cached": 0,
                     "cost_usd": 0.0, "tool_calls": 0} for sid in session_ids}  # fmt: skip
        for sid, calls, t_in, t_out, cached, cost, unpriced in self._read(
            "SELECT session_id, COUNT(*), SUM(tokens_in), SUM(tokens_out), SUM(tokens_cached),"
            " SUM(cost_usd), SUM(cost_usd IS NULL AND error IS NULL) FROM model_calls"
            f" WHERE session_id IN ({marks}) GROUP BY session_id",
            tuple(session_ids),
        ):  # fmt: skip
            out[sid].update(model_calls=calls, tokens_in=t_in or 0, tokens_out=t_out or 0,
                            tokens_cached=cached or 0,
                            cost_usd=None if unpriced else round(cost or 0.0, 6))  # fmt: skip
        for sid, count in self._read(
            f"SELECT session_id, COUNT(*) FROM tool_calls WHERE session_id IN ({marks})"
            " GROUP BY session_id",
            tuple(session_ids),
        ):
            out[sid]["tool_calls"] = count
        return out

    def daily_usage(self, days: int = 7) -> list[dict[str, Any]]:
        """Per local calendar day, newest first: model_calls, tokens_in, tokens_out,
        tokens_cached, cost_usd (of the priced calls), unpriced (calls with no price)."""
        since = time.time() - days * 86400
        rows = self._read(
            "SELECT date(created_at, 'unixepoch', 'localtime') AS day, COUNT(*), SUM(tokens_in),"
            " SUM(tokens_out), SUM(tokens_cached), SUM(cost_usd),"
            " SUM(cost_usd IS NULL AND error IS NULL) FROM model_calls WHERE created_at >= ?"
            " GROUP BY day ORDER BY day DESC",
            (since,),
        )
        return [{"day": day, "model_calls": n, "tokens_in": t_in or 0, "tokens_out": t_out or 0,
                 "tokens_cached": cached or 0, "cost_usd": round(cost or 0.0, 6),
                 "unpriced": unpriced or 0}
                for day, n, t_in, t_out, cached, cost, unpriced in rows]  # fmt: skip

    def latest_session(self, repo: str) -> SessionRow | None:
        """The most recently active session that ran in `repo` (a resolved path)."""
        rows = self._read(
            f"SELECT {_ROW_COLUMNS} FROM sessions WHERE repo = ? ORDER BY updated_at DESC LIMIT 1",
            (repo,),
        )
        return self._row(rows[0], time.time()) if rows else None

    def set_title_if_empty(self, session_id: str, title: str) -> None:
        """Name a session after its first request (chat sessions start without one)."""
        self._write(
            "UPDATE sessions SET title = ? WHERE id = ? AND title = ''",
            (str(title)[:200], session_id),
        )

    def messages(self, session_id: str) -> list[dict[str, Any]]:
        """Each message as {role, content, record, erased}; record is None for a row that
        does not decode (the caller falls back to role and content); erased marks a step
        the session took out of the model's context (kept here for the record)."""
        rows = self._read(
            "SELECT role, content, data FROM messages WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        out = []
        for role, content, data in rows:
            record = _decode(data)
            erased = bool(record and record.pop(ERASED_KEY, False))
            out.append({"role": role, "content": content, "record": record, "erased": erased})
        return out

    def mark_erased(self, session_id: str, count: int) -> None:
        """Mark the session's last `count` messages as out of the model's context."""
        self._write(
            f"UPDATE messages SET data = json_set(data, '$.{ERASED_KEY}', json('true')) "
            "WHERE id IN (SELECT id FROM messages WHERE session_id = ? ORDER BY id DESC LIMIT ?) "
            "AND json_valid(data)",
            (session_id, int(count)),
        )

    def mark_all_erased(self, session_id: str) -> None:
        """Every message logged so far leaves the model's context (compaction)."""
        self._write(
            f"UPDATE messages SET data = json_set(data, '$.{ERASED_KEY}', json('true')) "
            "WHERE session_id = ? AND json_valid(data)",
            (session_id,),
        )

    def turns(self, session_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT * FROM turns WHERE session_id = ? ORDER BY turn", session_id)

    def model_calls(self, session_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT * FROM model_calls WHERE session_id = ? ORDER BY id", session_id)

    def tool_calls(self, session_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT * FROM tool_calls WHERE session_id = ? ORDER BY id", session_id)

    def _dicts(self, sql: str, session_id: str) -> list[dict[str, Any]]:
        db = self._conn()
        try:
            cursor = db.execute(sql, (clean_value(session_id),))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except _SQLITE_FAILURES as error:
            raise self._explain(error) from error

    def close(self) -> None:
        """Idempotent; a failure to close is reported as StoreError."""
        db, self.db = self.db, None
        if db is not None:
            try:
                db.close()
            except _SQLITE_FAILURES as error:
                raise self._explain(error) from error


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


ERASED_KEY = "reins_erased"


def _decode(data: str) -> dict[str, Any] | None:
    try:
        record = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    if _ESCAPED_SURROGATE.search(data):  # logged before writes were cleaned
        record = json.loads(clean_text(json.dumps(record, ensure_ascii=False)))
    return record


def _older_versions() -> set[str]:
    return {str(v) for v in range(1, int(SCHEMA_VERSION))}
