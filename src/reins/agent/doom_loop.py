"""The same failing call again and again: warn the model at 3, stop the turn at 4."""

from __future__ import annotations

import json
from enum import Enum

from reins.tools.executor import ExecutedCall

WARN_AT = 3
STOP_AT = 4
WARNING = (
    "\n[reins: you have made this exact failing call {n} times in a row. Do not repeat it: "
    "read the error above, change the arguments, or try a different approach.]"
)


class Verdict(Enum):
    FINE = "fine"
    WARN = "warn"
    STOP = "stop"


class DoomLoopGuard:
    def __init__(self) -> None:
        self.last: str | None = None
        self.count = 0

    def observe(self, executed: list[ExecutedCall]) -> tuple[Verdict, int]:
        """Feed one step's calls in order; returns the worst verdict and the streak length."""
        verdict = Verdict.FINE
        for item in executed:
            if item.result.ok:
                self.last, self.count = None, 0
                continue
            signature = item.call.name + json.dumps(item.call.arguments, sort_keys=True, default=str)
            if item.call.parse_error:
                signature = "parse_error"
            if signature == self.last:
                self.count += 1
            else:
                self.last, self.count = signature, 1
            if self.count >= STOP_AT:
                verdict = Verdict.STOP
            elif self.count >= WARN_AT and verdict is not Verdict.STOP:
                verdict = Verdict.WARN
        return verdict, self.count
