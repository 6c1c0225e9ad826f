"""What a command did to the workspace's files, told cheaply: a fingerprint of every file's
path, size and modification time, taken before and after. Used to tell a command that only
looked (a script run, `cat`, the tests) from one that changed files (`sed -i`, a build),
so that running it again is a repeat only in the first case."""

from __future__ import annotations

import os
from pathlib import Path

SKIPPED = frozenset({".git"})  # git's own bookkeeping: `git status` reads it, not the tree
LIMIT = 20_000  # entries; a larger tree is not fingerprinted (None: "may have changed")


def fingerprint(root: Path | str, limit: int = LIMIT) -> int | None:
    """A hash of (path, size, mtime) of every entry under `root`; None when the tree has
    more than `limit` entries or cannot be walked."""
    state: list[tuple[str, int, int]] = []
    try:
        for folder, subdirs, files in os.walk(root, onerror=_raise):
            subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED)
            for name in sorted(files) + subdirs:
                path = os.path.join(folder, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue  # gone between the listing and the look: the next walk differs
                state.append((path, st.st_size, st.st_mtime_ns))
                if len(state) > limit:
                    return None
    except OSError:
        return None
    return hash(tuple(state))


def _raise(error: OSError) -> None:
    raise error  # os.walk skips what it cannot list: a tree not seen whole is not known
