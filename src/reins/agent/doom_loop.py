"""The same failing call again and again: warn the model at 3, stop the turn at 4.

Repeats are counted over a sliding window of recent calls, not only back to back, because
models often alternate a failing call with a harmless one (edit, run tests, same edit…).
"""

from __future__ import annotations

import json
import re
from collections import deque
from enum import Enum

from reins.tools.executor import ExecutedCall

WARN_AT = 3
STOP_AT = 4
WINDOW = 10
FAILURE_STREAK_WARN = 5
STREAK_WARNING = (
    "\n[reins: your last {n} tool calls all failed. Step back: read the relevant files "
    "with read_file, then try a different approach.]"
)
WARNING = (
    "\n[reins: you have made this exact failing call {n} times. Do not repeat it: "
    "read the error above, change the arguments, or try a different approach.]"
)


# What changes from one run of the same command to the next without meaning anything: object
# addresses (pytest prints `<function f at 0x7f5d…>`), durations ("179 passed in 1.49s",
# "Ran 3 tests in 0.001s") and clock times. Seen: the embedded model ran the same failing
# pytest six times in a row; every output differed only here, so no repeat was noticed.
VOLATILE = re.compile(
    r"0x[0-9a-fA-F]{4,}"
    r"|\b\d+(?:\.\d+)?\s?(?:s|ms|us|µs|sec|secs|seconds)\b"
    r"|\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b"
)


def stable_output(text: str) -> str:
    """`text` without the parts that differ between two runs of the same thing."""
    return VOLATILE.sub("~", text)


class Verdict(Enum):
    FINE = "fine"
    WARN = "warn"
    STOP = "stop"


def signature(item: ExecutedCall) -> str:
    """Two calls are "the same" when the model sent the same thing: for a call that could
    not be parsed, the same raw text (four different typos are four different calls)."""
    call = item.call
    if call.parse_error:
        return f"unparsed {call.name} {call.raw_arguments or call.parse_error}"
    return call.name + json.dumps(call.arguments, sort_keys=True, default=str)


def attempt(item: ExecutedCall) -> str:
    """What the guard counts as one attempt: the call's signature, except that edit_file
    calls that differ only in `replace_all` aim at the same text (seen: an edit already made,
    re-sent with replace_all true, false, true, never counted as a repeat)."""
    call = item.call
    if call.name == "edit_file" and not call.parse_error and isinstance(call.arguments, dict):
        aimed = {k: v for k, v in call.arguments.items() if k != "replace_all"}
        return call.name + json.dumps(aimed, sort_keys=True, default=str)
    return signature(item)


class DoomLoopGuard:
    def __init__(self) -> None:
        self.recent: deque[str | None] = deque(maxlen=WINDOW)  # None marks a success
        self.failure_streak = 0

    def observe(self, executed: list[ExecutedCall]) -> tuple[Verdict, int]:
        """Feed one step's calls in order; returns the worst verdict and the repeat count."""
        verdict, worst = Verdict.FINE, 0
        for item in executed:
            if item.result.ok:
                self.recent.append(None)
                self.failure_streak = 0
                continue
            self.failure_streak += 1
            sig = attempt(item)
            self.recent.append(sig)
            count = sum(1 for s in self.recent if s == sig)
            worst = max(worst, count)
            if count >= STOP_AT:
                verdict = Verdict.STOP
            elif count >= WARN_AT and verdict is not Verdict.STOP:
                verdict = Verdict.WARN
        return verdict, worst

    def streak_warning(self) -> str:
        """A nudge after a run of failures of any kind (every FAILURE_STREAK_WARN calls)."""
        n = self.failure_streak
        if n and n % FAILURE_STREAK_WARN == 0:
            return STREAK_WARNING.format(n=n)
        return ""
