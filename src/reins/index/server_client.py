"""The client half of the index server (reins.index.server): where a repository's server
listens, and asking it a query. Every warm `reins search` imports this before it has its
answer, so it needs only the standard library, and not pathlib or tempfile either (with
the re, urllib, shutil and compression modules they pull in, they cost more than a third
of this path's imports): paths are plain strings here.

The socket lives in a folder only this user can enter (TMPDIR/reins-UID, mode 0700, owned
by us: checked before every use, so another user cannot plant a server). Its name keys on
the repository, the reins version and the [index] settings, so an upgrade or a settings
change gets a fresh server. The protocol is one JSON object per line each way:
{"query", "limit", "glob"} → {"hits": [...]} or {"error": "..."}.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket

from reins.private_folder import owned_private_folder

TYPE_CHECKING = False  # typing costs this path about 5 ms: only type checkers read it
if TYPE_CHECKING:
    from typing import Any

ASK_TIMEOUT_S = 5.0  # a first query after many changed files re-chunks them
PROTOCOL = 1


def socket_dir() -> str:
    """Where this user's servers listen: under TMPDIR (or TEMP, TMP), else /tmp."""
    for name in ("TMPDIR", "TEMP", "TMP"):
        base = os.environ.get(name)
        if base and os.path.isdir(base):
            return os.path.join(base, f"reins-{os.getuid()}")
    return f"/tmp/reins-{os.getuid()}"


def socket_path(repo: str | os.PathLike[str], settings: dict[str, Any]) -> str:
    from reins import __version__

    key = json.dumps([os.path.realpath(repo), __version__, PROTOCOL, settings], sort_keys=True)
    digest = hashlib.blake2b(key.encode(), digest_size=10).hexdigest()
    return os.path.join(socket_dir(), f"index-{digest}.sock")


def private_dir(create: bool) -> bool:
    """The socket folder exists (made if asked), is ours and nobody else's."""
    return owned_private_folder(socket_dir(), create)


def ask(repo: str | os.PathLike[str], settings: dict[str, Any], query: str, limit: int,
        glob: str | None, timeout_s: float = ASK_TIMEOUT_S) -> list[dict[str, Any]] | None:  # fmt: skip
    """The server's hits for a query, or None when no usable server answers."""
    path = socket_path(repo, settings)
    if not private_dir(create=False) or not os.path.exists(path):
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout_s)
            conn.connect(path)
            request = {"query": query, "limit": limit, "glob": glob}
            conn.sendall(json.dumps(request).encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
        answer = json.loads(data)
    except (OSError, ValueError):
        return None
    return answer.get("hits") if isinstance(answer, dict) else None
