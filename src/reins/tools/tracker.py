"""Stale-read protection: remember what each file looked like when the model last saw it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from reins.tools.errors import ErrorKind, ToolError


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


UNSEEN_SHOWN_LINES = 200  # a file over this is shown in part, and must be read first
UNSEEN_SHOWN_CHARS = 12_000
# An unseen write sent again unchanged is refused this many more times. Kept at one: the
# refusal says a second resend goes through, and with two, the doom-loop guard's warning
# and the erasing of repeats would tell the model not to send what unblocks it.
BLIND_REPEATS = 1
BLIND_KEEPS = 0.5  # ...when it keeps under this share of the old file's non-blank lines
SHOWN_LOST = 5  # lines of the file the refused write would delete, shown with the refusal


class FileTracker:
    def __init__(self) -> None:
        self.seen: dict[Path, str] = {}
        self.written: set[Path] = set()  # what read_lints checks by default
        # a write refused as unseen: path -> (digest of its content, refusals of it since)
        self.blind: dict[Path, tuple[str, int]] = {}

    def saw(self, path: Path, data: bytes) -> None:
        """The model read this content."""
        self.seen[path] = digest(data)
        self.blind.pop(path, None)  # read on purpose: what it writes next is informed

    def wrote(self, path: Path, data: bytes) -> None:
        """One of our tools wrote this content."""
        self.seen[path] = digest(data)
        self.written.add(path)
        self.blind.pop(path, None)

    def forget(self, path: Path) -> None:
        self.seen.pop(path, None)
        self.written.discard(path)

    def ensure_known(
        self, path: Path, data: bytes, rel: str, binary: bool = False, content: str = ""
    ) -> None:
        """Refuse to overwrite a file the model has never seen (not read, attached or written
        this session): what it holds would be lost unread (seen: a 1.5B model, asked to add a
        field, wrote its guess of models.py, serialize.py, store.py and "[]" over users.json
        without reading any). The refusal shows the content, so the next write is informed;
        `content`, the refused write's, is kept for ensure_considered."""
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
            self.blind[path] = (digest(content.encode("utf-8", "replace")), 0)
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

    def ensure_considered(self, path: Path, data: bytes, rel: str, content: str) -> None:
        """Refuse the write refused as unseen, sent again unchanged although the refusal
        showed the file, when it deletes most of it: the model wrote past what it was shown
        (seen: the embedded model's guess of models.py, 16 lines of a dataclass turned into
        12 of another class, sent twice; the second went through). After BLIND_REPEATS such
        refusals the write goes through: replacing the file may be what the task asks."""
        entry = self.blind.get(path)
        if entry is None or entry[0] != digest(content.encode("utf-8", "replace")):
            return
        if entry[1] >= BLIND_REPEATS or self.seen.get(path) != digest(data):
            return  # refused enough, or the file changed since it was shown
        old = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
        old = [line for line in old if line]
        kept = {line.strip() for line in content.splitlines()}
        lost = [line for line in old if line not in kept]
        if not old or len(lost) <= len(old) * (1 - BLIND_KEEPS):
            return
        self.blind[path] = (entry[0], entry[1] + 1)
        shown = "\n".join(f"  {line}" for line in lost[:SHOWN_LOST])
        more = f"\n  … and {len(lost) - SHOWN_LOST} more" if len(lost) > SHOWN_LOST else ""
        raise ToolError(
            ErrorKind.UNEXPECTED_ENVIRONMENT,
            f"not written: this is the content you wrote before you had seen {rel}, unchanged. "
            f"It would delete {len(lost)} of the {len(old)} non-blank lines {rel} has now:\n"
            f"{shown}{more}",
            hint=(
                f"make your change to {rel} as it is: write it again with those lines kept, "
                "or change part of it with edit_file. If replacing the whole file is what "
                "the task asks, send the same content once more"
            ),
        )

    def new_turn(self) -> None:
        """A new request: a write refused as unseen in an earlier turn may be what the
        person now asks for ("yes, overwrite it")."""
        self.blind.clear()

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
