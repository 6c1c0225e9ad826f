"""The sandbox policy: what runs where, and when to ask the person."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

MODES = ("read-only", "workspace-write", "full-access")

# Signs that a command failed because of the sandbox rather than because of itself.
DENIAL = re.compile(
    r"Read-only file system|Network is unreachable|Temporary failure in name resolution|"
    r"Could not resolve host|Name or service not known",
)

Approver = Callable[[str], Awaitable[bool]]


def looks_sandbox_denied(output: str) -> bool:
    return bool(DENIAL.search(output))


def escalated_mode(mode: str) -> str | None:
    """The next looser mode to offer when a command is blocked, if any."""
    return {"read-only": "workspace-write", "workspace-write": "full-access"}.get(mode)
