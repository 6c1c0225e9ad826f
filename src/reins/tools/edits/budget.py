"""A time limit on one edit, so that no edit_file or apply_patch call can run for minutes.

The matchers are fast in the common case (see matching.py), but a long old_string that
is nearly, not exactly, in a big file can still ask for a lot of work. This is the
backstop: a deadline that the engine's long loops check, and that turns into an
EditFailure the model can act on ("copy the lines exactly, or edit a smaller block").
Running out of time never produces an edit: the file is left as it was.

How a caller sets the limit (pick one):

  * `replace_string(text, old, new, replace_all, path, deadline_s=1.5)` and
    `apply_hunk(lines, hunk, ..., deadline_s=1.5)` (engine.py) take the limit for that one
    call; 1.5 s is the default, `None` means only an enclosing `edit_deadline` applies.
  * `with edit_deadline(1.5):` around several calls (all the hunks of one file of an
    apply_patch) limits them together. Deadlines nest: the earliest one wins, so a
    per-call default inside never extends an enclosing limit.

The deadline lives in a context variable: it holds in the thread that set it and in
`asyncio.to_thread` calls made under it, but not in a plain `threading.Thread` started
under it. Set it inside the worker, or pass `deadline_s`, which always works.

Inside the engine, `check()` raises OutOfTime; replace_string and apply_hunk turn it into
an EditFailure. Nothing else raises it outside a deadline (check() is a no-op then), and
SyntaxCheck.broken_by, which the tools call after an edit, never checks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT_DEADLINE_S = 1.5

_deadline: ContextVar[float | None] = ContextVar("reins_edit_deadline", default=None)


class OutOfTime(Exception):  # noqa: N818 - not an error of the input: the limit was reached
    """The edit's time limit was reached. Internal: the engine's entry points turn it into
    an EditFailure, so it deliberately is not one (no `except EditFailure` swallows it)."""


@contextmanager
def edit_deadline(seconds: float | None) -> Iterator[None]:
    """Limit the edit work inside the block to `seconds` (None: no limit of its own)."""
    if seconds is None:
        yield
        return
    end = time.monotonic() + seconds
    current = _deadline.get()
    token = _deadline.set(end if current is None else min(current, end))
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise OutOfTime once the deadline has passed; cheap enough for inner loops."""
    end = _deadline.get()
    if end is not None and time.monotonic() > end:
        raise OutOfTime


def ensure(seconds: float) -> None:
    """Raise OutOfTime now unless `seconds` more fit before the deadline: for a step that
    cannot stop halfway (a parse), expected to take about that long."""
    if remaining() < seconds:
        raise OutOfTime


def remaining() -> float:
    """Seconds left before the deadline (infinite when there is none)."""
    end = _deadline.get()
    return float("inf") if end is None else end - time.monotonic()
