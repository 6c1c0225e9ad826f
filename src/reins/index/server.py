"""A small background index server, so a warm `reins search` answers in well under 150 ms.

Opening an index rebuilds its BM25 postings from the stored chunks (tokenising every
chunk), which costs about half a second on a small repo and seconds on a large one. The
server keeps one repository's index in memory and answers queries over a Unix socket;
each query first brings the index up to date (the same freshness check `reins search`
does), so an answer is never staler than in-process. It exits after IDLE_S without a
query. `reins search` asks it first and starts it after answering in process.

Where the socket lives, the protocol, and asking a server are the client half
(index/server_client.py), which the CLI's fast path imports alone.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reins.index.server_client import private_dir, socket_dir, socket_path

if TYPE_CHECKING:
    import subprocess

IDLE_S = 900.0  # a server with no query for this long exits


def start(repo: Path, settings: dict[str, Any]) -> None:
    """Start a server for the repository in the background (it outlives this process).
    Best effort: a search that answered must not fail because no server could start."""
    import subprocess

    try:
        if not private_dir(create=True):
            return
        argv = [sys.executable, "-m", "reins.index.server", str(repo.resolve()),
                json.dumps(settings)]  # fmt: skip
        # cwd "/": a server must not keep the user's folder (a drive to unmount) busy
        subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True,
                         cwd="/")  # fmt: skip
    except OSError:
        return


def serve(repo: Path, settings: dict[str, Any], idle_s: float = IDLE_S) -> None:
    """Run the server until it has been idle for idle_s (blocking)."""
    from reins.index.codebase import CodeIndex
    from reins.index.embed.factory import make_embedder, upgrade_for

    if not private_dir(create=True):
        raise SystemExit(f"{socket_dir()} is not private to this user; not serving")
    path = Path(socket_path(repo, settings))
    lock = open(str(path) + ".lock", "a")  # noqa: SIM115 (held for the server's life)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # a server for this repository is starting or running already
    index = CodeIndex.open(repo, lambda: make_embedder(settings), force=True,
                           max_files=int(settings.get("max_files", 10**9)),
                           upgrade=upgrade_for(settings))  # fmt: skip
    index.refresh()
    folders = {Path(repo, parent) for p in index._files for parent in Path(p).parents}
    watch = ChangeWatch(repo, folders)
    index.refresh()  # anything changed while the watches were being set up
    index.embed_pending()
    upgrading = Upgrading(repo, settings, index)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        fresh = path.with_name(f"{path.name}.{os.getpid()}")
        try:
            listener.bind(str(fresh))
            os.replace(fresh, path)  # atomically: a client never sees a half-made socket
            mine = os.stat(path).st_ino
        except OSError:
            fresh.unlink(missing_ok=True)
            return
        listener.listen(8)
        last_query = time.monotonic()
        try:
            while True:
                upgrading.tick()
                left = idle_s - (time.monotonic() - last_query)
                if left <= 0:
                    break
                listener.settimeout(min(left, upgrading.poll_s) if upgrading.active else left)
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                with conn:
                    _answer(conn, index, watch)
                last_query = time.monotonic()
        finally:
            watch.stop()
            try:
                if os.stat(path).st_ino == mine:  # not a newer server's socket
                    path.unlink()
            except OSError:
                pass
            index.close()


class Upgrading:
    """Keeps the filler (index/upgrade.py) going while the index lacks upgrade vectors, and
    switches the index to the upgrade when they are in. Checks cost a scan of the stored
    hashes, so they run only when the index changed or the filler ended."""

    poll_s = 10.0  # how often a filler's end is looked for while one runs

    def __init__(self, repo: Path, settings: dict[str, Any], index) -> None:
        self.repo, self.settings, self.index = repo, settings, index
        self.filler: subprocess.Popen | None = None
        self.failed = False  # a filler that crashed is not restarted by this server
        self.checked: int | None = None  # the index generation last checked

    @property
    def active(self) -> bool:
        return self.filler is not None

    def tick(self) -> None:
        if self.index.upgrade is None:
            return
        if self.filler is not None:
            code = self.filler.poll()
            if code is None:
                return
            self.filler, self.failed, self.checked = None, code != 0, None
        if self.checked == self.index.generation:
            return
        self.checked = self.index.generation
        coverage = self.index.upgrade_coverage()  # one scan of the stored hashes for both
        switched = self.index.maybe_upgrade(coverage)  # embeds the few it still lacked
        if coverage[1] and not switched and not self.failed:
            from reins.index import upgrade

            self.filler = upgrade.start(self.repo, self.settings)
        elif self.index.pending_vectors():  # new chunks whose upgrade vectors are stored
            self.index.embed_pending()


class ChangeWatch:
    """Has anything in the repository changed since the last refresh? Read from inotify's
    queue without blocking: the kernel queues an event before the write that caused it
    returns, so a query right after an edit still sees it. Without inotify (not Linux, the
    watch limit reached, a queue overflow) every query refreshes."""

    MASK_NAMES = ("CREATE", "DELETE", "MODIFY", "MOVED_FROM", "MOVED_TO", "CLOSE_WRITE",
                  "ATTRIB", "DELETE_SELF", "MOVE_SELF")  # fmt: skip

    FULL_REFRESH_S = 30.0  # file systems that take watches but miss changes (NFS, 9p…)

    def __init__(self, repo: Path, folders: set[Path] | None = None):
        self.repo = repo
        self.inotify = None
        self.forced = False
        self.last_full = time.monotonic()
        try:
            import inotify_simple

            self.flags = inotify_simple.flags
            self.mask = 0
            for name in self.MASK_NAMES:
                self.mask |= getattr(self.flags, name)
            self.inotify = inotify_simple.INotify()
            self.folders: dict[int, Path] = {}
            if folders is None:
                self._watch_tree(repo)
            else:  # the folders that hold indexed files (not build output), and the root
                for folder in {repo, *folders}:
                    self.folders[self.inotify.add_watch(str(folder), self.mask)] = folder
        except (ImportError, OSError):
            self.stop()

    def _watch_tree(self, top: Path) -> None:
        from reins.project_guard import BULKY

        for folder, dirs, _ in os.walk(top):
            dirs[:] = [d for d in dirs if d not in BULKY]
            self.folders[self.inotify.add_watch(folder, self.mask)] = Path(folder)

    def take(self) -> bool:
        """True if a refresh is needed: something changed since the last call (the watch
        starts before the server's first refresh, so nothing slips between)."""
        if self.inotify is None:
            return True
        if self.forced or time.monotonic() - self.last_full > self.FULL_REFRESH_S:
            self.forced, self.last_full = False, time.monotonic()
            try:
                self.inotify.read(timeout=0)  # what is queued is covered by this refresh
            except OSError:
                self.stop()
            return True
        try:
            events = self.inotify.read(timeout=0)
            for event in events:
                if event.mask & self.flags.Q_OVERFLOW:
                    self.stop()
                    return True
                if event.mask & self.flags.ISDIR and event.mask & (
                    self.flags.CREATE | self.flags.MOVED_TO
                ):
                    parent = self.folders.get(event.wd)
                    if parent is not None and event.name:
                        self._watch_tree(parent / event.name)
        except OSError:
            self.stop()
            return True
        return bool(events)

    def mark(self) -> None:
        """Refresh on the next query, events or not."""
        self.forced = True

    def stop(self) -> None:
        if self.inotify is not None:
            self.inotify.close()
        self.inotify = None


def _answer(conn: socket.socket, index, watch: ChangeWatch) -> None:
    conn.settimeout(10.0)
    try:
        data = b""
        while not data.endswith(b"\n") and len(data) < 1_000_000:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        request = json.loads(data)
        if watch.take():
            index.refresh()
        # A few changed chunks are embedded before answering, so the answer has them; more
        # would keep the client waiting (a slow embedder's: a handful), so they wait too.
        if 0 < index.pending_vectors() <= getattr(index.embedder, "query_waits_for", 2000):
            index.embed_pending()
        hits = index.search(
            str(request["query"]), request.get("glob"), int(request.get("limit", 10))
        )
        reply: dict[str, Any] = {"hits": [dict(hit.to_json(), text=hit.text) for hit in hits]}
    except Exception as error:  # a bad request or a broken file: say so, keep serving
        reply = {"error": f"{type(error).__name__}: {error}"}
    try:
        conn.sendall(json.dumps(reply).encode() + b"\n")
    except OSError:
        pass


if __name__ == "__main__":  # python -m reins.index.server REPO [SETTINGS_JSON [IDLE_S]]
    serve(Path(sys.argv[1]), json.loads(sys.argv[2]) if len(sys.argv) > 2 else {},
          float(sys.argv[3]) if len(sys.argv) > 3 else IDLE_S)  # fmt: skip
