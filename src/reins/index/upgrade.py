"""The filler: embeds every chunk of an index with the better, slower embedder in the
background, so that search can switch to it (`[index] embeddings = "auto"`, the default).

Search starts on the static table (django indexes in seconds) and moves to the whole
MiniLM (human-style NDCG@10 0.592 against the table's 0.551) once this process has stored
a MiniLM vector for every live chunk but the few MiniLM embeds on demand
(CodeIndex.maybe_upgrade). The index server starts it; it exits when nothing is missing.

Why a process of its own, at the least priority Linux offers: the scheduler shares the CPU
between sessions (autogroups) first, so a thread in the index server, however nice, would
take the server's whole share from an agent's model running beside it. The filler starts
its own session, lowers that session to autogroup nice 19 and itself to SCHED_IDLE: on a
busy CPU it gets about 1.5%, on an idle one all of it. One filler per index (a lock file).

    python -m reins.index.upgrade REPO [SETTINGS_JSON]
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def lower_priority() -> None:
    """The least CPU share this process can ask for (Linux; elsewhere nice 19). Called
    before onnxruntime starts its threads, which inherit the policy."""
    try:
        Path("/proc/self/autogroup").write_text("19")
    except OSError:
        pass
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        try:
            os.nice(19)
        except OSError:
            pass


def start(repo: Path, settings: dict[str, Any]) -> subprocess.Popen | None:
    """Start a filler for the repository's index in the background; None if it could not
    start (best effort: search works on the table meanwhile)."""
    argv = [sys.executable, "-m", "reins.index.upgrade", str(repo.resolve()),
            json.dumps(settings)]  # fmt: skip
    try:
        # cwd "/": it must not keep the user's folder (a drive to unmount) busy
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True,
                                close_fds=True, cwd="/")  # fmt: skip
    except OSError:
        return None


def fill(repo: Path, settings: dict[str, Any]) -> int:
    """Store an upgrade vector for every chunk of the index that lacks one; the number
    embedded. Returns 0 at once when another filler holds the index or there is no upgrade."""
    from reins.index.embed.factory import upgrade_for
    from reins.index.index_db import IndexStore, index_path
    from reins.index.terms import index_text

    upgrade = upgrade_for(settings)
    path = index_path(repo)
    if upgrade is None or not path.exists():
        return 0
    lock = open(str(path) + ".fill.lock", "a")  # noqa: SIM115 (held while filling)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        return 0
    store = IndexStore(path, repo)
    embedder = None
    done = 0
    try:
        while path.exists():  # a deleted index (reins index --rebuild) ends the work
            have = store.vector_hashes(upgrade.name)
            todo = list({c.hash: c for c in store.all_chunks() if c.hash not in have}.values())
            if not todo:
                break
            embedder = embedder or upgrade.make()
            batch = getattr(embedder, "batch", 64)  # a batch is what a kill loses at most
            for i in range(0, len(todo), batch):
                if not path.exists():
                    break
                part = todo[i : i + batch]
                vectors = embedder.embed([index_text(c) for c in part])
                store.save_vectors(
                    upgrade.name, [(c.hash, v) for c, v in zip(part, vectors, strict=True)]
                )
                done += len(part)
    finally:
        store.close()
        lock.close()
    return done


if __name__ == "__main__":
    lower_priority()
    fill(Path(sys.argv[1]), json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
