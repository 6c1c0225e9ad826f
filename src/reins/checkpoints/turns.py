"""Checkpoints per turn, and undo.

Before the first call of a turn that may change files, the working tree is snapshotted
(`before`); when the turn ends, again (`after`). Both are commits in the repository's
private shadow repo (checkpoints/shadow.py), under refs/reins/SESSION/TURN/.

Undo of turns N.. of a session puts every path those turns changed back to what it was
before turn N: tracked or not, modified, created, deleted or renamed, binary or text,
mode included. It refuses when a path the agent changed was changed again since the last
of those turns (by the person, or by another session), unless forced; either way the
state it replaces is kept first (`undone` ref), so an undo loses nothing.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from reins.checkpoints.shadow import CheckpointError, FileChange, ShadowRepo

PREFIX = "refs/reins/"
KEPT_PREFIX = "refs/reins-kept/"  # the state each undo replaced, whatever becomes of it
CREATED_AT = re.compile(r" at (\d+\.\d+)$", re.M)
RETENTION_DAYS = 30.0  # older checkpoints are dropped when a session takes its first one


class UndoConflict(CheckpointError):
    def __init__(self, paths: list[str], turns: str):
        self.paths = paths
        shown = ", ".join(paths[:8]) + (f" and {len(paths) - 8} more" if len(paths) > 8 else "")
        super().__init__(
            f"not undoing {turns}: {shown} changed again after the agent changed "
            f"{'them' if len(paths) > 1 else 'it'}. Undo would throw those edits away; "
            "use --force to undo anyway (the current state is kept as a checkpoint first)."
        )


@dataclass
class TurnCheckpoint:
    session_id: str
    turn: int
    title: str
    created: float  # unix time of the `before` snapshot
    before: str  # commit ids
    after: str | None = None  # None: the turn never ended (a killed process)
    undone: str | None = None  # the state an undo replaced
    ended: float | None = None  # unix time of the `after` snapshot

    def to_dict(self) -> dict:
        return {"session_id": self.session_id, "turn": self.turn, "title": self.title,
                "created": self.created, "undone": self.undone is not None}  # fmt: skip


@dataclass
class UndoResult:
    session_id: str
    turns: list[int]
    restored: list[FileChange]  # what the undone turns had changed, now put back
    kept: str  # commit holding the state before the undo
    notes: list[str] = field(default_factory=list)


def overlaps(a: str, b: str) -> bool:
    """The same path, or one is a folder of the other ("d" and "d/x")."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _ref(session_id: str, turn: int, kind: str) -> str:
    return f"{PREFIX}{session_id}/{turn:06d}/{kind}"


class Checkpoints:
    """The checkpoints of one working tree."""

    def __init__(self, repo: str | Path, shadow: ShadowRepo | None = None):
        self.shadow = shadow or ShadowRepo(repo)

    def begin_turn(self, session_id: str, turn: int, title: str) -> str:
        # control characters (a NUL, \x01…) would break git or the ref listing
        printable = "".join(ch if ch.isprintable() else " " for ch in title)
        subject = " ".join(printable.split())[:120] or "(no request)"
        body = f"session {session_id} turn {turn} at {time.time():.6f}"  # `created`, to the µs
        commit = self.shadow.commit(self.shadow.snapshot(), f"{subject}\n\n{body}")
        self.shadow.set_ref(_ref(session_id, turn, "before"), commit)
        return commit

    def cover(self, session_id: str, turn: int | None, paths: list[str]) -> None:
        """Files the agent is about to change that snapshots leave out (ignored): from now
        on in every snapshot, and, when turn N's `before` snapshot was taken already, added
        to it as they are now (the call that changes them has not run yet)."""
        ignored = self.shadow.ignored(paths)
        if not ignored:
            return
        self.shadow.force_add(ignored)
        if turn is None:
            return
        ref = _ref(session_id, turn, "before")
        scratch = self.shadow.git_dir / f"before-index-{os.getpid()}"
        try:
            self.shadow.git("read-tree", ref, index=scratch)
            self.shadow.force_add(ignored, index=scratch)
            tree = self.shadow.git("write-tree", index=scratch).strip()
        finally:
            scratch.unlink(missing_ok=True)
        message = self.shadow.git("log", "-1", "--format=%B", ref)
        self.shadow.set_ref(ref, self.shadow.commit(tree, message.strip()))

    def end_turn(self, session_id: str, turn: int) -> list[FileChange]:
        """Snapshot the end of the turn; what it changed. A turn that changed nothing
        leaves no checkpoint."""
        before_ref = _ref(session_id, turn, "before")
        tree = self.shadow.snapshot()
        changed = self.shadow.changes(before_ref, tree)
        if not changed:
            self.shadow.delete_ref(before_ref)
            return []
        body = f"session {session_id} turn {turn} at {time.time():.6f}"  # `ended`
        commit = self.shadow.commit(tree, f"after turn {turn} of session {session_id}\n\n{body}")
        self.shadow.set_ref(_ref(session_id, turn, "after"), commit)
        return changed

    def turns(self, session_id: str | None = None) -> list[TurnCheckpoint]:
        """Checkpointed turns, oldest first (of one session, or of every session here)."""
        found: dict[tuple[str, int], TurnCheckpoint] = {}
        extras: list[tuple[str, int, str, str, str]] = []
        prefix = PREFIX + (f"{session_id}/" if session_id else "")
        for ref, commit, when, subject, body in self.shadow.refs(prefix):
            sid, number, kind = ref[len(PREFIX) :].rsplit("/", 2)
            if kind == "before":
                precise = CREATED_AT.search(body)
                when = float(precise.group(1)) if precise else when
                found[(sid, int(number))] = TurnCheckpoint(sid, int(number), subject, when, commit)
            else:
                extras.append((sid, int(number), kind, commit, body))
        for sid, number, kind, commit, body in extras:
            if (sid, number) in found and kind in ("after", "undone"):
                setattr(found[(sid, number)], kind, commit)
                precise = CREATED_AT.search(body)
                if kind == "after" and precise:
                    found[(sid, number)].ended = float(precise.group(1))
        return sorted(found.values(), key=lambda t: (t.created, t.session_id, t.turn))

    def _other_sessions_paths(self, session_id: str, start: float, end: float | None) -> list[str]:
        """Paths that other sessions' turns changed, for every turn whose span overlaps
        start..end or comes later: a session running beside this one snapshots the same
        tree, so its work shows up in this one's changes."""
        end = end or time.time()
        paths = []
        for cp in self.turns():
            if cp.session_id == session_id or cp.undone is not None:
                continue
            if (cp.ended or time.time()) > start:  # it ended after this began: overlaps or later
                last = cp.after or self.shadow.snapshot()
                paths += [c.path for c in self.shadow.changes(cp.before, last)]
        return paths

    def prune(self, older_than_days: float = RETENTION_DAYS) -> int:
        """Drop checkpoints older than this; how many turns were dropped."""
        cutoff = time.time() - older_than_days * 86400
        dropped = 0
        for cp in self.turns():
            if cp.created < cutoff:
                for kind in ("before", "after", "undone"):
                    if kind == "before" or getattr(cp, kind):
                        self.shadow.delete_ref(_ref(cp.session_id, cp.turn, kind))
                dropped += 1
        if dropped:
            self.shadow.gc()
        return dropped

    def sessions(self) -> list[str]:
        """Session ids with checkpoints here, most recent last."""
        order: dict[str, float] = {}
        for cp in self.turns():
            order[cp.session_id] = max(order.get(cp.session_id, 0.0), cp.created)
        return sorted(order, key=order.get)

    def session_changes(self, session_id: str) -> tuple[str, str, list[FileChange]]:
        """(from, to, changes) over every turn of a session that is not undone."""
        kept = [t for t in self.turns(session_id) if t.undone is None]
        if not kept:
            raise CheckpointError(
                f"session {session_id} changed no files here (or all were undone)"
            )
        end = kept[-1].after or self.shadow.snapshot()
        return kept[0].before, end, self.shadow.changes(kept[0].before, end)

    def undo(
        self, session_id: str, from_turn: int | None = None, force: bool = False,
        dry_run: bool = False,
    ) -> UndoResult:  # fmt: skip
        """Put back what turns from_turn.. (default: the last one not undone) changed.
        dry_run: check and say what would be put back (conflicts raise as usual), change
        nothing; the result's `kept` is empty."""
        live = [t for t in self.turns(session_id) if t.undone is None]
        if from_turn is not None:
            live = [t for t in live if t.turn >= from_turn]
        elif live:
            live = live[-1:]
        if not live:
            which = f"from turn {from_turn} on " if from_turn is not None else ""
            raise CheckpointError(f"nothing to undo: no turn {which}of session {session_id} "
                                  "changed files here, or it was undone already")  # fmt: skip
        first, last = live[0], live[-1]
        label = f"turn {first.turn}" if first is last else f"turns {first.turn}–{last.turn}"
        notes = []
        now = self.shadow.snapshot()
        end = last.after
        if end is None:  # the process died mid-turn: later edits cannot be told apart
            if not force:
                raise CheckpointError(
                    f"turn {last.turn} never finished (its process was killed), so edits made "
                    "since cannot be told apart from the agent's; use --force to put back "
                    "everything changed since it began (the current state is kept first)"
                )
            notes.append(f"turn {last.turn} never finished; everything changed since it "
                         "began counted as its change")  # fmt: skip
            end = now
        agent = self.shadow.changes(first.before, end)
        changed = [c.path for c in agent]
        since = [c.path for c in self.shadow.changes(end, now)]
        since += self._other_sessions_paths(session_id, first.created, last.ended)
        conflicts = sorted({p for p in changed if any(overlaps(p, q) for q in since)})
        if conflicts and not force:
            raise UndoConflict(conflicts, label)
        if dry_run:
            return UndoResult(session_id, [cp.turn for cp in live], agent, "", notes)
        kept = self.shadow.commit(now, f"state before undoing {label} of session {session_id}")
        self.shadow.set_ref(f"{KEPT_PREFIX}{session_id}/{first.turn:06d}", kept)  # found again
        try:
            self.shadow.restore(first.before, changed)
        except CheckpointError as error:
            raise CheckpointError(f"{error}; nothing is lost: the state before this undo is "
                                  f"checkpoint {kept[:12]}") from error  # fmt: skip
        for cp in live:  # only once the files are back: a failed restore can be retried
            self.shadow.set_ref(_ref(session_id, cp.turn, "undone"), kept)
        self.shadow.gc()
        return UndoResult(session_id, [cp.turn for cp in live], agent, kept, notes)
