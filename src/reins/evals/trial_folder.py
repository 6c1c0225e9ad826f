"""Where a trial's workspace lives: the same path for every arm and epoch of a task.

The path is part of the agent's prompt ("Working directory: ..." in the system message).
A random folder per trial gave two arms of a bench different prompts, and greedy decoding
of the embedded model then wrote different files (5 of 16 tasks in two runs of one
profile): noise larger than the harness changes the lab is meant to measure. So a trial
runs in <tmp>/reins-trials-<uid>/<slot>/<task>, where slot is the lowest one no running
trial holds (an flock, so trials in other processes and Ray workers on this machine count
too): a bench with one worker always uses slot 0.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from reins.private_folder import owned_private_folder

MAX_SLOTS = 256


class TrialFolder:
    """Holds a slot until release(); path is the task's empty workspace in it."""

    def __init__(self, task_name: str) -> None:
        self._lock_fd: int | None = None
        base = _private_base()
        if base is not None:
            for slot in range(MAX_SLOTS):
                try:
                    fd = os.open(base / f"{slot}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW,
                                 0o600)  # fmt: skip
                except OSError:  # not a plain file of ours: try the next slot
                    continue
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    path = base / str(slot) / task_name
                    shutil.rmtree(path, ignore_errors=True)  # a killed trial's leftovers
                    path.mkdir(parents=True)
                except OSError:  # held by a running trial, or its folder will not clear
                    os.close(fd)
                    continue
                self._lock_fd, self.path = fd, path
                return
        # no private folder to be had (another user's, a read-only tmp): a random one
        self.path = Path(tempfile.mkdtemp(prefix=f"reins-trial-{task_name}-"))

    def release(self, keep: bool) -> Path | None:
        """Free the slot. keep: the workspace moves to a folder of its own (returned), so
        the next trial of this task cannot overwrite it."""
        kept = None
        if keep:
            if self._lock_fd is None:
                kept = self.path
            else:
                kept = Path(tempfile.mkdtemp(prefix=f"reins-trial-{self.path.name}-"))
                try:
                    os.replace(self.path, kept)  # onto the empty folder: same file system
                except OSError:
                    shutil.copytree(self.path, kept, dirs_exist_ok=True, symlinks=True)
        if kept != self.path:
            shutil.rmtree(self.path, ignore_errors=True)
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)  # closing drops the flock
            self._lock_fd = None
        return kept


def _private_base() -> Path | None:
    """<tmp>/reins-trials-<uid>, made 0700 and checked to be ours: in a shared /tmp a
    folder made in advance by someone else must not receive our trials."""
    base = Path(tempfile.gettempdir()) / f"reins-trials-{os.getuid()}"
    try:
        return base if owned_private_folder(str(base), create=True) else None
    except OSError:  # a read-only or full temp dir
        return None
