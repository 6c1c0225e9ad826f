"""The sandbox policy: what runs where, and when to ask the person."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

MODES = ("read-only", "workspace-write", "full-access")

# Inside the workspace, never writable by the agent (file tools or sandboxed commands):
# git runs hooks and config-named programs on the host; .reins holds reins' own config.
PROTECTED = (".git", ".reins")

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
