"""What one tool call touches, declared per call so the executor can run calls side by side.

An `Access` is a mode (shared: only reads; exclusive: may change things) and the keys it
touches: workspace-relative resolved paths ("src/app.py"; a directory covers everything
below it) or pseudo-keys for state that is not a file ("todos", "terminal:t1"). `keys=None`
is the whole workspace; an empty set touches nothing. Two accesses conflict when at least
one is exclusive and their keys overlap; the executor never runs conflicting calls of a
batch side by side, and keeps the order the model wrote them in.

Paths are normalised once, here, for every tool: resolved through the Workspace (symlinks
followed inside it, so a link and its target are one key), relative to the root. A path
that cannot be resolved (outside the workspace, a loop, a NUL byte, too long) becomes the
whole workspace: the call then runs alone and the tool itself reports the error.

Keys are taken when the batch is scheduled. Of the tools, only commands can create symlinks,
and a command that may write holds the whole workspace exclusively (it waits for every
earlier call and blocks every later one), so a path resolves the same when the call runs.
A background terminal started earlier can change files at any time; nothing orders it
(the file tracker catches an edit of a file it changed).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from reins.tools.errors import ToolError
from reins.tools.workspace import Workspace

Mode = Literal["shared", "exclusive"]
SHARED: Mode = "shared"
EXCLUSIVE: Mode = "exclusive"


@dataclass(frozen=True)
class Access:
    mode: Mode = EXCLUSIVE
    keys: frozenset[str] | None = None  # None: the whole workspace; empty: nothing

    def __post_init__(self) -> None:
        if self.mode not in (SHARED, EXCLUSIVE):
            raise ValueError(f"access mode must be {SHARED!r} or {EXCLUSIVE!r}, not {self.mode!r}")
        if self.keys is not None and not isinstance(self.keys, frozenset):
            object.__setattr__(self, "keys", frozenset(self.keys))

    @classmethod
    def shared(cls, keys: Iterable[str] | None = None) -> Access:
        return cls(SHARED, None if keys is None else frozenset(keys))

    @classmethod
    def exclusive(cls, keys: Iterable[str] | None = None) -> Access:
        return cls(EXCLUSIVE, None if keys is None else frozenset(keys))

    @property
    def is_exclusive(self) -> bool:
        return self.mode == EXCLUSIVE

    @property
    def whole_workspace(self) -> bool:
        return self.keys is None

    def conflicts(self, other: Access) -> bool:
        """Must these two not run side by side? (symmetric)"""
        if not (self.is_exclusive or other.is_exclusive):
            return False
        return keys_overlap(self.keys, other.keys)

    def __str__(self) -> str:
        if self.keys is None:
            where = "workspace"
        elif not self.keys:
            where = "nothing"
        else:
            where = ", ".join(sorted(self.keys))
        return f"{self.mode}({where})"


NOTHING = Access.shared(())  # think, finish: never waits, never makes anyone wait
READ_ALL = Access.shared()  # reads anything in the workspace
WRITE_ALL = Access.exclusive()  # may change anything: runs alone


def keys_overlap(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    if (a is not None and not a) or (b is not None and not b):
        return False
    if a is None or b is None:
        return True
    if a & b:
        return True
    return any(_nested(x, y) for x in a for y in b)


def _nested(x: str, y: str) -> bool:
    """One key lies below the other ("src" covers "src/app.py")."""
    return y.startswith(x + "/") or x.startswith(y + "/")


def path_key(ws: Workspace, path: str | os.PathLike[str]) -> str | None:
    """The key for a path: resolved, workspace-relative; None (the whole workspace) for the
    root itself or for a path that cannot be resolved."""
    try:
        real = ws.resolve(path)
    except (ToolError, OSError, ValueError, RecursionError):
        return None
    rel = ws.relative(real)
    if rel == "." or os.path.isabs(rel):
        return None
    return rel


def paths_access(ws: Workspace, mode: Mode, paths: Iterable[str | os.PathLike[str]]) -> Access:
    """An access keyed by these paths; the whole workspace if any of them does not resolve."""
    keys = set()
    for path in paths:
        key = path_key(ws, path)
        if key is None:
            return Access(mode, None)
        keys.add(key)
    return Access(mode, frozenset(keys))
