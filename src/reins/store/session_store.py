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
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from reins.models.messages import Message, ToolCall, Usage
from reins.store import owner as owners

SCHEMA_VERSION = "2"
# Columns each schema version added to `sessions`; opening an older file adds them in place.
MIGRATIONS: dict[str, list[tuple[str, str]]] = {
    "2": [
        ("owner_pid", "INTEGER"),
        ("owner_host", "TEXT"),
        ("owner_start", "TEXT"),
        ("owner_token", "TEXT"),
        ("heartbeat_at", "REAL"),
    ],
}
DEFAULT_BUSY_TIMEOUT_S = 5.0
# What a `running` session whose process is gone reads as (list_sessions, get_session).
INTERRUPTED = "interrupted"
_SQLITE_FAILURES = (sqlite3.Error, OverflowError, ValueError, UnicodeError)


class StoreError(RuntimeError):
    """The store cannot be used; the message says why and what to do. Never auto-repaired."""


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


_ROW_COLUMNS = (
    "id, created_at, updated_at, repo, model, profile, title, status, owner_pid, owner_host, "
    "heartbeat_at, owner_start, owner_token"
)


# --- making any value storable -------------------------------------------------------------


def clean_text(text: str) -> str:
    """`text` as SQLite can store it: valid surrogate pairs joined, lone surrogates → U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if value is None or isinstance(value, (int, float, bytes)):
        return value
    return clean_text(str(value))


def _jsonable(value: Any) -> Any:
    """json.dumps' fallback for types it does not know (sets, bytes, paths, objects)."""
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return repr(value)


def preview(value: Any, limit: int = 300) -> str:
    """The start of a JSON-like rendering of `value`, without recursion (any depth is fine)."""
    out: list[str] = []
    size = 0
    stack: list[Any] = [value]
    while stack and size < limit:
        item = stack.pop()
        if isinstance(item, _Literal):
            piece = item.text
        elif isinstance(item, dict):
            piece = "{"
            stack.append(_Literal("}"))
            entries = list(item.items())
            for index in range(len(entries) - 1, -1, -1):
                key, val = entries[index]
                stack.append(val)
                stack.append(_Literal(("" if index == 0 else ", ") + _scalar(str(key)) + ": "))
        elif isinstance(item, (list, tuple)):
            piece = "["
            stack.append(_Literal("]"))
            for index in range(len(item) - 1, -1, -1):
                stack.append(item[index])
                if index:
                    stack.append(_Literal(", "))
        else:
            piece = _scalar(item)
        out.append(piece)
        size += len(piece)
    text = "".join(out)
    if stack or len(text) > limit:
        text = text[:limit] + "…"
    return clean_text(text)


@dataclass
class _Literal:
    text: str


def _scalar(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=_jsonable)[:400]
    except (ValueError, TypeError, RecursionError):
        return repr(value)[:400]


def safe_json(value: Any) -> str:
    """json.dumps that always returns storable text: too deep → a placeholder with a preview."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=_jsonable)
    except (RecursionError, ValueError, TypeError) as error:
        reason = "nested too deep" if isinstance(error, RecursionError) else str(error)[:200]
        text = json.dumps(
            {"_unstorable": f"not logged: {reason} to serialise", "_preview": preview(value)},
            ensure_ascii=False,
        )
    return clean_text(text)


MAX_DEPTH = 100  # deeper tool arguments are logged as a placeholder (when they fail to serialise)


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply lists and dicts nest in `value`, counted without recursion up to limit + 1."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, (list, tuple)):
            children = list(item)
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > limit:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _storable_arguments(arguments: Any) -> Any:
    if depth(arguments) <= MAX_DEPTH:
        return arguments
    return {
        "_unstorable": f"not logged: the arguments nest deeper than {MAX_DEPTH} levels",
        "_preview": preview(arguments),
    }


def _message_json(message: Message) -> str:
    try:
        return clean_text(json.dumps(message.to_dict(), ensure_ascii=False, default=_jsonable))
    except (RecursionError, ValueError, TypeError):
        pass
    # A tool call's arguments are the only deep part a message can have: keep the rest intact.
    record: dict[str, Any] = {}
    for f in fields(message):
        value = getattr(message, f.name)
        if f.name == "tool_calls":
            value = [
                {k.name: (_storable_arguments(getattr(c, k.name)) if k.name == "arguments"
                          else getattr(c, k.name)) for k in fields(c)}
                for c in value
            ]  # fmt: skip
        if value not in (None, [], "") or f.name == "content":
            record[f.name] = value
    try:
        return clean_text(json.dumps(record, ensure_ascii=False, default=_jsonable))
    except (RecursionError, ValueError, TypeError):
        return safe_json({"role": message.role, "content": str(message.content)})


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_MESSAGE_FIELDS = {f.name for f in fields(Message)}
_CALL_FIELDS = {f.name for f in fields(ToolCall)}


def _message_from_row(role: str, content: str, data: str) -> Message:
    """The logged message; a row that does not decode falls back to its role and content."""
    try:
        record = json.loads(data)
        if not isinstance(record, dict):
            raise ValueError("not an object")
        if _ESCAPED_SURROGATE.search(data):  # logged before writes were cleaned
            record = json.loads(clean_text(json.dumps(record, ensure_ascii=False)))
        calls = [
            ToolCall(**{k: v for k, v in c.items() if k in _CALL_FIELDS})
            for c in record.get("tool_calls") or []
        ]
        kept = {k: v for k, v in record.items() if k in _MESSAGE_FIELDS and k != "tool_calls"}
        return Message(**kept, tool_calls=calls)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return Message(role, content if isinstance(content, str) else str(content))  # type: ignore[arg-type]


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
            self.db.execute("PRAGMA journal_mode = WAL")
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
                have = {row[1] for row in self.db.execute("PRAGMA table_info(sessions)")}
                for version in sorted(MIGRATIONS, key=int):
                    if int(version) <= int(found):  # type: ignore[arg-type]
                        continue
                    for name, kind in MIGRATIONS[version]:
                        if name not in have:
                            self.db.execute(f"ALTER TABLE sessions ADD COLUMN {name} {kind}")
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
            return db.execute(sql, tuple(_clean(p) for p in params)).rowcount
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

    def create_session(self, repo: str, model: str, profile: str, title: str) -> str:
        """A new `running` session, owned by this process (see claim)."""
        session_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        now = time.time()
        me = owners.current_owner()
        self._write(
            "INSERT INTO sessions (id, created_at, updated_at, repo, model, profile, title, status,"
            " owner_pid, owner_host, owner_start, owner_token, heartbeat_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, now, now, repo, model, profile, str(title)[:200], "running",
             me.pid, me.host, me.start, me.token, now),
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

    def set_model(self, session_id: str, model: str, profile: str) -> None:
        self._write(
            "UPDATE sessions SET model = ?, profile = ? WHERE id = ?", (model, profile, session_id)
        )

    def add_message(self, session_id: str, message: Message) -> None:
        content = message.content if isinstance(message.content, str) else str(message.content)
        self._write(
            "INSERT INTO messages (session_id, role, content, data, created_at) VALUES (?, ?, ?, ?, ?)",
            (session_id, str(message.role), content, _message_json(message), time.time()),
        )

    def add_model_call(
        self,
        session_id: str,
        step: int,
        model: str,
        usage: Usage,
        latency_s: float,
        *,
        cost_usd: float | None = None,
        finish_reason: str | None = None,
        error: str | None = None,
        stats: dict[str, float] | None = None,
    ) -> None:
        self._write(
            "INSERT INTO model_calls (session_id, step, model, tokens_in, tokens_out, tokens_cached,"
            " tokens_cache_write, latency_s, cost_usd, finish_reason, error, stats, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id, step, model, usage.input_tokens, usage.output_tokens,
                usage.cached_input_tokens, usage.cache_write_tokens, latency_s, cost_usd,
                finish_reason, error, safe_json(stats) if stats else None, time.time(),
            ),
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
            return db.execute(sql, tuple(_clean(p) for p in params)).fetchall()
        except _SQLITE_FAILURES as error:
            raise self._explain(error) from error

    def _row(self, row: tuple, now: float) -> SessionRow:
        (sid, created, updated, repo, model, profile, title, status, pid, host, heartbeat,
         start, token) = row  # fmt: skip
        if status == "running" and owners.owner_gone(
            pid, host, start, token, heartbeat if heartbeat is not None else updated, now,
            self.stale_after_s,
        ):  # fmt: skip
            status = INTERRUPTED
        return SessionRow(sid, created, updated, repo, model, profile, title, status, pid, host,
                          heartbeat)  # fmt: skip

    def list_sessions(self, limit: int = 50) -> list[SessionRow]:
        """Newest first; `running` sessions whose owner process is gone read as interrupted."""
        rows = self._read(
            f"SELECT {_ROW_COLUMNS} FROM sessions ORDER BY created_at DESC LIMIT ?", (limit,)
        )
        now = time.time()
        return [self._row(row, now) for row in rows]

    def get_session(self, session_id: str) -> SessionRow | None:
        """By ID or unique prefix; status as in list_sessions."""
        rows = self._read(f"SELECT {_ROW_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            rows = self._read(
                f"SELECT {_ROW_COLUMNS} FROM sessions WHERE substr(id, 1, ?) = ? LIMIT 2",
                (len(session_id), session_id),
            )
            if len(rows) != 1:
                return None
        return self._row(rows[0], time.time())

    def messages(self, session_id: str) -> list[Message]:
        rows = self._read(
            "SELECT role, content, data FROM messages WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [_message_from_row(*row) for row in rows]

    def model_calls(self, session_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT * FROM model_calls WHERE session_id = ? ORDER BY id", session_id)

    def tool_calls(self, session_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT * FROM tool_calls WHERE session_id = ? ORDER BY id", session_id)

    def _dicts(self, sql: str, session_id: str) -> list[dict[str, Any]]:
        db = self._conn()
        try:
            cursor = db.execute(sql, (_clean(session_id),))
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


def _older_versions() -> set[str]:
    return {str(v) for v in range(1, int(SCHEMA_VERSION))}
