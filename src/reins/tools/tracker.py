"""Stale-read protection: remember what each file looked like when the model last saw it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from reins.tools.errors import ErrorKind, ToolError


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


UNSEEN_SHOWN_LINES = 200  # a file over this is shown in part, and must be read first
UNSEEN_SHOWN_CHARS = 12_000


class FileTracker:
    def __init__(self) -> None:
        self.seen: dict[Path, str] = {}
        self.written: set[Path] = set()  # what read_lints checks by default
        self.edits: set[tuple[Path, str, str]] = set()  # (path, old, new) edit_file made

    def edited(self, path: Path, old: str, new: str) -> None:
        """edit_file replaced `old` with `new` in this file."""
        self.edits.add((path, old, new))

    def took_back(self, path: Path, old: str, new: str) -> None:
        """An edit edit_file made was undone (by a rule that refused it after the fact)."""
        self.edits.discard((path, old, new))

    def edits_of(self, path: Path) -> list[tuple[str, str]]:
        """The (old, new) edits edit_file made in this file."""
        return [(old, new) for at, old, new in self.edits if at == path]

    def saw(self, path: Path, data: bytes) -> None:
        """The model read this content."""
        self.seen[path] = digest(data)

    def wrote(self, path: Path, data: bytes) -> None:
        """One of our tools wrote this content."""
        self.seen[path] = digest(data)
        self.written.add(path)

    def forget(self, path: Path) -> None:
        self.seen.pop(path, None)
        self.written.discard(path)

    def ensure_known(self, path: Path, data: bytes, rel: str, binary: bool = False) -> None:
        """Refuse to overwrite a file the model has never seen (not read, attached or written
        this session): what it holds would be lost unread (seen: a 1.5B model, asked to add a
        field, wrote its guess of models.py, serialize.py, store.py and "[]" over users.json
        without reading any). The refusal shows the content, so the next write is informed."""
        if path in self.seen or not data.strip():
            return
        if binary:  # nothing to show as lines: say what it is, and let the next write go
            self.saw(path, data)
            raise ToolError(
                ErrorKind.UNEXPECTED_ENVIRONMENT,
                f"{rel} already exists and you have not read it: it is a binary file of "
                f"{len(data):,} bytes, which writing would replace",
                hint="write it again only if replacing it is what the task asks",
            )
        text = data.decode("utf-8", errors="replace")
        lines = text.splitlines()
        whole = len(lines) <= UNSEEN_SHOWN_LINES and len(text) <= UNSEEN_SHOWN_CHARS
        if whole:
            self.saw(path, data)  # shown whole below: the next write goes through
            shown = "\n".join(f"{n}| {line}" for n, line in enumerate(lines, 1))
            hint = "write it again with what should stay, or change part of it with edit_file"
        else:
            shown = fresh_excerpt(data, None, radius=UNSEEN_SHOWN_LINES // 2)
            hint = f"read_file {rel} first (it has {len(lines)} lines), then change it"
        raise ToolError(
            ErrorKind.UNEXPECTED_ENVIRONMENT,
            f"{rel} already exists and you have not read it: writing would replace its "
            f"{len(lines)} lines unseen. It reads:\n{shown}",
            hint=hint,
        )

    def ensure_fresh(self, path: Path, data: bytes, rel: str, focus: str | None = None) -> None:
        """Refuse to edit a file that changed on disk since the model last saw it."""
        known = self.seen.get(path)
        if known is None or known == digest(data):
            return
        self.saw(path, data)  # the fresh lines below count as read
        raise ToolError(
            ErrorKind.UNEXPECTED_ENVIRONMENT,
            f"{rel} changed on disk since you last read it (another process or command edited it). "
            f"Current content:\n{fresh_excerpt(data, focus)}",
            hint="re-do your edit against the current content",
        )


def fresh_excerpt(data: bytes, focus: str | None, radius: int = 15) -> str:
    lines = data.decode("utf-8", errors="replace").splitlines()
    center = 0
    if focus:
        first = next((ln for ln in focus.splitlines() if ln.strip()), "").strip()
        center = next((i for i, ln in enumerate(lines) if first and first in ln), 0)
    lo, hi = max(0, center - radius), min(len(lines), center + radius + 1)
    return "\n".join(f"{n + 1}| {lines[n]}" for n in range(lo, hi))
