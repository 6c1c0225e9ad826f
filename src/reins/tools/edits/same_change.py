"""An edit that makes the change an earlier edit made, again, over that edit's own result.

Seen on `mutate` tasks (2026-12-05): the embedded model renamed `nth_permutation` to
`nth_permutation_fixed`, saw the same test fail, then copied the new line and renamed it
to `nth_permutation_fixed_fixed`, and so on to the time-out; and `log(r_2) * weight`
grew `/ 1000` three times. Each edit's strings were new, so neither the engine (which
refuses the identical edit over its own result) nor the doom-loop guard (which counts
identical failing calls) saw a repeat.
"""

from __future__ import annotations

from collections.abc import Iterable

MIN_CHANGED_CHARS = 2  # non-space characters in a change worth telling apart


def change_of(old: str, new: str) -> tuple[str, str]:
    """What an edit replaced and with what, without the text both sides share at the
    start and end: ("", "_fixed") for `f(` -> `f_fixed(`."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return old[start : len(old) - end], new[start : len(new) - end]


def _same_text(a: str, b: str) -> bool:
    """Equal up to rotation: where a repeated unit is cut off depends on its neighbours
    (" + 10" inserted after "a" is "+ 10 " inserted after "a +")."""
    return len(a) == len(b) and (a == b or b in a + a)


def repeated_change(
    earlier: Iterable[tuple[str, str]], old: str, new: str
) -> tuple[str, str] | None:
    """The change (removed, inserted) when the edit `old` -> `new` makes the same change as
    one of the `earlier` (old, new) edits of the file, on text that edit wrote; None
    otherwise."""
    removed, inserted = change_of(old, new)
    if len((removed + inserted).replace(" ", "").replace("\n", "")) < MIN_CHANGED_CHARS:
        return None
    here = old.strip()
    for before_old, before_new in earlier:
        wrote = before_new.strip()
        if not wrote or not here or (wrote not in old and here not in before_new):
            continue
        was_removed, was_inserted = change_of(before_old, before_new)
        if _same_text(was_removed, removed) and _same_text(was_inserted, inserted):
            return removed, inserted
    return None


SHOWN_CHARS = 60


def describe(removed: str, inserted: str) -> str:
    """A change, said in a few words: "inserting `_fixed`", "replacing `*` with `/`"."""
    if not removed:
        return f"inserting {_shown(inserted)}"
    if not inserted:
        return f"deleting {_shown(removed)}"
    return f"replacing {_shown(removed)} with {_shown(inserted)}"


def _shown(text: str) -> str:
    text = " ".join(text.split()) or text
    return f"`{text[:SHOWN_CHARS]}…`" if len(text) > SHOWN_CHARS else f"`{text}`"
