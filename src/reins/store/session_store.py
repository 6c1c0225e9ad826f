"""SessionStore: append-only event rows; every insert is its own committed transaction."""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from reins.models.messages import Message, Usage

SCHEMA_VERSION = "1"


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
    status: str


class SessionStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Autocommit: each INSERT commits at once, so a killed process loses nothing done.
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout = 5000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.executescript(
                resources.files("reins.store").joinpath("schema.sql").read_text("utf-8")
            )
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise StoreError(
                    f"session store {self.path} has schema {row[0]}, this reins expects "
                    f"{SCHEMA_VERSION}; move the file aside to start a new log"
                )
        except sqlite3.DatabaseError as error:
            raise self._explain(error) from error

    def _explain(self, error: sqlite3.Error) -> StoreError:
        text = str(error)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"session store {self.path} is locked by another process; wait for it or "
                "point REINS_DATA_DIR elsewhere"
            )
        return StoreError(
            f"session store {self.path} is unreadable ({text}). It was left untouched; "
            "move it aside (or set REINS_DATA_DIR) to start a new log, or repair it with "
            "sqlite3 .recover"
        )

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        try:
            self.db.execute(sql, params)
        except sqlite3.DatabaseError as error:
            raise self._explain(error) from error

    # --- writes ----------------------------------------------------------------------

    def create_session(self, repo: str, model: str, profile: str, title: str) -> str:
        session_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        now = time.time()
        self._write(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, now, now, repo, model, profile, title[:200], "running"),
        )
        return session_id

    def set_status(self, session_id: str, status: str) -> None:
        self._write(
            "UPDATE sessions SET status = ?, updated_at = ? WHERE id = ?",
            (status, time.time(), session_id),
        )

    def set_model(self, session_id: str, model: str, profile: str) -> None:
        self._write(
            "UPDATE sessions SET model = ?, profile = ? WHERE id = ?", (model, profile, session_id)
        )

    def add_message(self, session_id: str, message: Message) -> None:
        self._write(
            "INSERT INTO messages (session_id, role, content, data, created_at) VALUES (?, ?, ?, ?, ?)",
            (session_id, message.role, message.content, json.dumps(message.to_dict()), time.time()),
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
                finish_reason, error, json.dumps(stats) if stats else None, time.time(),
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
        self._write(
            "INSERT INTO tool_calls (session_id, step, call_id, tool, arguments, kind, duration_s,"
            " output_chars, error_detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, step, call_id, tool, arguments, kind, duration_s, output_chars,
             error_detail, time.time()),
        )  # fmt: skip

    # --- reads -----------------------------------------------------------------------

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as error:
            raise self._explain(error) from error

    def list_sessions(self, limit: int = 50) -> list[SessionRow]:
        rows = self._read("SELECT * FROM sessions ORDER BY created_at DESC LIMIT ?", (limit,))
        return [SessionRow(*row) for row in rows]

    def get_session(self, session_id: str) -> SessionRow | None:
        rows = self._read("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            rows = self._read("SELECT * FROM sessions WHERE id LIKE ?", (session_id + "%",))
            if len(rows) != 1:
                return None
        return SessionRow(*rows[0])

    def messages(self, session_id: str) -> list[Message]:
        rows = self._read(
            "SELECT data FROM messages WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [Message.from_dict(json.loads(r[0])) for r in rows]

    def model_calls(self, session_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT * FROM model_calls WHERE session_id = ? ORDER BY id", session_id)

    def tool_calls(self, session_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT * FROM tool_calls WHERE session_id = ? ORDER BY id", session_id)

    def _dicts(self, sql: str, session_id: str) -> list[dict[str, Any]]:
        try:
            cursor = self.db.execute(sql, (session_id,))
        except sqlite3.DatabaseError as error:
            raise self._explain(error) from error
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        self.db.close()
