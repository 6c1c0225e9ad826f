"""Who runs a session, and whether that process still exists.

A session the log says is `running` may belong to a process that was killed (kill -9, OOM, a
closed terminal, a crashed machine). The owner is recorded as pid + host name + process identity
(boot id and start time from /proc, so a reused pid is told apart) + a random per-process token;
the loop also writes a heartbeat each step. A reader on the same host asks the kernel; a reader
elsewhere can only go by the heartbeat's age.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

# Another host's run counts as gone when its heartbeat is older than this. A step (one model call
# plus its tool calls) normally takes seconds to minutes; a command has its own timeout.
STALE_AFTER_S = 15 * 60.0


@dataclass(frozen=True)
class Owner:
    pid: int
    host: str
    start: str  # "<boot id>:<start time in clock ticks>", or "" where /proc is missing
    token: str  # random, one per process


_current: Owner | None = None


def current_owner() -> Owner:
    """This process (recomputed after a fork, which keeps the module state but not the pid)."""
    global _current
    pid = os.getpid()
    if _current is None or _current.pid != pid:
        _current = Owner(pid, host_name(), process_start(pid) or "", uuid.uuid4().hex)
    return _current


def host_name() -> str:
    try:
        return socket.gethostname() or "unknown-host"
    except OSError:
        return "unknown-host"


def boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip() or None
    except OSError:
        return None


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (which may hold spaces and parentheses)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (OSError, ValueError):
        return None
    _, _, rest = text.rpartition(")")
    fields = rest.split()
    return fields if len(fields) > 19 else None


def process_start(pid: int) -> str | None:
    """A stable identity for one incarnation of a pid: boot id + start time (Linux only)."""
    fields = _stat_fields(pid)
    boot = boot_id()
    if fields is None or boot is None:
        return None
    return f"{boot}:{fields[19]}"  # field 22 of stat(5); `fields` starts at field 3


def pid_state(pid: int) -> str:
    """'alive', 'dead' or 'unknown' (no way to ask, e.g. on Windows)."""
    if pid <= 0:
        return "dead"
    fields = _stat_fields(pid)
    if fields is not None:
        return "dead" if fields[0] in ("Z", "X", "x") else "alive"  # a zombie has exited
    # No /proc entry (gone, not Linux, or hidden by hidepid): ask the kernel with signal 0.
    if os.name == "nt":  # os.kill would terminate the process there
        return "unknown"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "dead"
    except PermissionError:
        return "alive"  # another user's process
    except OSError:
        return "unknown"
    return "alive"


def owner_gone(
    pid: int | None,
    host: str | None,
    start: str | None,
    token: str | None,
    heartbeat_at: float | None,
    now: float,
    stale_after_s: float = STALE_AFTER_S,
) -> bool:
    """True when the process recorded as running a session can be shown to no longer run it."""
    me = current_owner()
    if token and token == me.token:
        return False
    stale = heartbeat_at is not None and now - heartbeat_at > stale_after_s
    if pid is None or not host:
        return stale  # written before owners were recorded: only the clock can tell
    if host != me.host:
        return stale
    if start and me.start:
        recorded_boot, _, _ = start.partition(":")
        current_boot, _, _ = me.start.partition(":")
        if recorded_boot != current_boot:
            return True  # the machine rebooted since
    state = pid_state(pid)
    if state == "dead":
        return True
    if state == "unknown":
        return stale
    if start:
        now_start = process_start(pid)
        if now_start is not None and now_start != start:
            return True  # the pid now belongs to another process
    return False
