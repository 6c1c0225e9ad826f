"""Path confinement with no race window: every file operation a tool does goes through
directory file descriptors.

A path is walked one component at a time from a descriptor of the workspace root: each
directory is opened relative to its parent with O_NOFOLLOW, and symlinks are resolved here
(readlink on the parent's descriptor), never by the kernel. '..' pops our own stack of
descriptors and an absolute link target restarts from the root, so nothing can climb above
the root. A directory swapped for a symlink between the check and the use (a background
`renameat2(RENAME_EXCHANGE)` loop) is either seen as the symlink, and its target checked, or
already held by descriptor, and used wherever it now sits inside the workspace. The final
open is O_NOFOLLOW too, and a write is a temp file created O_EXCL in the parent's descriptor,
renamed over the name within that same descriptor.

Out of scope: a process that can move a directory *out of* the workspace (write access to
its parent) can already write there directly; the sandbox confines commands to the workspace.

Reins' own files are off limits to writes: PROTECTED names at the top of the workspace (and
`.git` at any depth: nested repositories, submodules) can be read but never changed, since a
hook or config written into .git runs code on the host and .reins/ holds the sandbox settings.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat as st_mode
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reins.sandbox.policy import PROTECTED  # top-level names: readable, never changed
from reins.tools.errors import ErrorKind, ToolError, invalid, unexpected

PROTECTED_ANYWHERE = (".git",)  # also refused at any depth (nested repos, submodules)
PROTECTED_WHY = {
    ".git": (
        "git's internals may be read but not changed by the file tools (a hook or config "
        "written there would run code on the host)",
        "change the repository through git commands (run_command) instead",
    ),
    ".reins": (
        "it holds reins' own configuration for this repository, which the agent may read "
        "but not change",
        "ask the person to change reins' settings",
    ),
}

MAX_SYMLINK_HOPS = 40  # the kernel's own limit (ELOOP)
MAX_RACE_RETRIES = 64  # a name that keeps changing while it is walked
MAX_DEPTH = 512  # directories held open while walking one path
MAX_WALK_DEPTH = 128  # directories below the top that walk() descends

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_O_PATH = getattr(os, "O_PATH", 0)
_READ_FLAGS = (
    os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def kind_of(mode: int) -> str:
    """What a stat mode is, in words."""
    if st_mode.S_ISREG(mode):
        return "file"
    if st_mode.S_ISDIR(mode):
        return "directory"
    if st_mode.S_ISLNK(mode):
        return "symlink"
    if st_mode.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if st_mode.S_ISSOCK(mode):
        return "socket"
    if st_mode.S_ISCHR(mode):
        return "character device"
    if st_mode.S_ISBLK(mode):
        return "block device"
    return "special file"


def _split(path: str) -> list[str]:
    return [part for part in path.split("/") if part not in ("", ".")]


def _error(code: int, path: object, text: str | None = None) -> OSError:
    return OSError(code, text or os.strerror(code), str(path))


@dataclass(frozen=True)
class FileRead:
    """A regular file's content, read through descriptors."""

    path: Path  # the real path: messages, the stale-read tracker's key
    data: bytes  # at most `limit` bytes
    size: int  # st_size when it was opened
    mode: int


@dataclass(frozen=True)
class Entry:
    """One directory entry (list_dir). Symlinks are never followed outside the workspace."""

    name: str
    kind: str  # "directory", "file", "symlink", "FIFO (named pipe)", … or "unreadable"
    size: int | None = None  # regular files (or a symlink's target file); None if not looked up
    link: str | None = None  # symlinks: where it leads, relative to the root
    link_kind: str | None = None  # symlinks: the target's kind, or "outside", "missing", "loop"


@dataclass
class _Loc:
    """Where a walk ended: `fd` is the deepest existing directory on the (resolved) path."""

    fd: int
    parts: list[str]  # fd's components relative to the root (no symlinks)
    tail: list[str]  # names below fd: [] the directory itself; [name]; or missing names
    st: os.stat_result | None  # lstat of the target (not a symlink unless asked); None: missing


class Workspace:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(os.path.realpath(root))

    # ---- resolution -------------------------------------------------------------------

    def resolve(self, path: str | os.PathLike[str]) -> Path:
        """The real path `path` (relative to the root, or absolute) names, symlinks resolved.

        Raises InvalidArguments for a path outside the workspace (by '..' or a symlink)."""
        with self._located(path) as loc:
            return self._path(loc)

    def relative(self, path: Path) -> str:
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return str(path)
        return str(rel) if str(rel) != "." else "."

    def check_writable(self, path: str | os.PathLike[str]) -> Path:
        """resolve(), refusing what the file tools may not change (PROTECTED)."""
        with self._located(path) as loc:
            self._refuse_protected(loc, path)
            return self._path(loc)

    def protected(self, path: str | os.PathLike[str]) -> str | None:
        """The protected name `path` lies under (".git", ".reins"), or None."""
        with self._located(path) as loc:
            return _protected_name(loc.parts + loc.tail)

    # ---- queries ----------------------------------------------------------------------

    def stat(self, path: str | os.PathLike[str], follow_symlinks: bool = True) -> os.stat_result:
        """lstat of what `path` leads to (following in-workspace links unless told not to)."""
        with self._located(path, follow_last=follow_symlinks) as loc:
            if loc.st is None:
                raise _error(errno.ENOENT, path)
            return loc.st

    def exists(self, path: str | os.PathLike[str]) -> bool:
        try:
            self.stat(path)
        except FileNotFoundError:
            return False
        return True

    def is_dir(self, path: str | os.PathLike[str]) -> bool:
        try:
            return st_mode.S_ISDIR(self.stat(path).st_mode)
        except FileNotFoundError:
            return False

    def is_file(self, path: str | os.PathLike[str]) -> bool:
        try:
            return st_mode.S_ISREG(self.stat(path).st_mode)
        except FileNotFoundError:
            return False

    # ---- reading ----------------------------------------------------------------------

    def read(self, path: str | os.PathLike[str], limit: int | None = None) -> FileRead:
        """Read a regular file (at most `limit` bytes). Opened O_NONBLOCK|O_NOFOLLOW and
        checked with fstat: a FIFO, socket or device is refused (InvalidArguments), never
        opened for a blocking read. FileNotFoundError / IsADirectoryError otherwise."""
        with self._located(path) as loc:
            if not loc.tail:
                raise _error(errno.EISDIR, path)
            if loc.st is None:
                raise _error(errno.ENOENT, path)
            self._refuse_special(loc.st, path)
            try:
                fd = os.open(loc.tail[0], _READ_FLAGS, dir_fd=loc.fd)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENXIO, errno.EMLINK):
                    raise self._changed(path) from None
                raise
            try:
                info = os.fstat(fd)
                self._refuse_special(info, path)
                os.set_blocking(fd, True)
                data = _read_all(fd, limit)
            finally:
                os.close(fd)
            return FileRead(self._path(loc), data, info.st_size, info.st_mode)

    def read_bytes(self, path: str | os.PathLike[str], limit: int | None = None) -> bytes:
        return self.read(path, limit).data

    def listdir(
        self, path: str | os.PathLike[str] = ".", detail_limit: int | None = None
    ) -> list[Entry]:
        """A directory's entries, directories first then by name. The first `detail_limit`
        (all if None) are looked up: sizes, and where symlinks lead (never outside)."""
        with self._located(path) as loc:
            if loc.st is None:
                raise _error(errno.ENOENT, path)
            if not st_mode.S_ISDIR(loc.st.st_mode):
                raise _error(errno.ENOTDIR, path)
            with self._opened_dir(loc, path) as fd:
                with os.scandir(fd) as scan:
                    raw = [(not e.is_dir(follow_symlinks=False), e.name, e) for e in scan]
                raw.sort(key=lambda item: (item[0], item[1]))
                rel = loc.parts + loc.tail
                entries = []
                for index, (_, name, entry) in enumerate(raw):
                    if detail_limit is not None and index >= detail_limit:
                        entries.append(Entry(name, _quick_kind(entry)))
                    else:
                        entries.append(self._describe(fd, name, rel))
                return entries

    def walk(
        self, top: str | os.PathLike[str] = "."
    ) -> Iterator[tuple[tuple[str, ...], list[str], list[tuple[str, str]]]]:
        """Top-down walk of the real directories under `top`, like os.walk: yields (the
        directory's components relative to the root, its subdirectory names, its other
        entries as (name, kind)), names sorted. Remove names from the subdirectory list to
        prune. Symlinks are listed as kind "symlink" and never followed."""
        with self._located(top) as loc:
            if loc.st is None:
                raise _error(errno.ENOENT, top)
            if not st_mode.S_ISDIR(loc.st.st_mode):
                raise _error(errno.ENOTDIR, top)
            with self._opened_dir(loc, top) as fd:
                yield from _walk_fd(fd, tuple(loc.parts + loc.tail), 0)

    # ---- writing ----------------------------------------------------------------------

    def write_bytes(
        self,
        path: str | os.PathLike[str],
        data: bytes,
        *,
        fsync: bool = False,
        parents: bool = True,
    ) -> Path:
        """Atomically replace (or create) a regular file: a temp file created O_EXCL in the
        parent's descriptor, then renamed over the name in that same descriptor. A crash
        never leaves half a file; the old file's mode is kept. Returns the real path."""
        with self._located(path) as loc:
            self._refuse_protected(loc, path)
            with self._parent_of(loc, path, parents) as (dir_fd, name):
                try:
                    old = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                except FileNotFoundError:
                    old = None
                if old is not None:
                    if st_mode.S_ISLNK(old.st_mode):
                        raise self._changed(path)
                    self._refuse_special(old, path)
                _atomic_write(dir_fd, name, data, old, fsync)
            return self._path(loc)

    def mkdir(
        self, path: str | os.PathLike[str], parents: bool = True, exist_ok: bool = True
    ) -> Path:
        with self._located(path) as loc:
            self._refuse_protected(loc, path)
            if loc.st is not None:
                if exist_ok and st_mode.S_ISDIR(loc.st.st_mode):
                    return self._path(loc)
                raise _error(errno.EEXIST, path)
            with self._parent_of(loc, path, parents) as (dir_fd, name):
                try:
                    os.mkdir(name, 0o777, dir_fd=dir_fd)
                except FileExistsError:
                    if not exist_ok:
                        raise
            return self._path(loc)

    def unlink(self, path: str | os.PathLike[str], missing_ok: bool = False) -> Path:
        """Delete a file (what `path` leads to: a symlink inside the workspace is followed)."""
        with self._located(path) as loc:
            self._refuse_protected(loc, path)
            if not loc.tail:
                raise _error(errno.EISDIR, path)
            if loc.st is None:
                if missing_ok:
                    return self._path(loc)
                raise _error(errno.ENOENT, path)
            if st_mode.S_ISDIR(loc.st.st_mode):
                raise _error(errno.EISDIR, path)
            try:
                os.unlink(loc.tail[0], dir_fd=loc.fd)
            except FileNotFoundError:
                if not missing_ok:
                    raise
            return self._path(loc)

    # ---- internals --------------------------------------------------------------------

    def _path(self, loc: _Loc) -> Path:
        return self.root.joinpath(*loc.parts, *loc.tail)

    def _outside(self, path: object) -> ToolError:
        return invalid(
            f"path {str(path)!r} is outside the workspace",
            hint=f"use paths relative to the workspace root {self.root}",
        )

    def _changed(self, path: object) -> ToolError:
        return unexpected(
            f"{path} kept changing while it was being opened (a directory or file was "
            "replaced by a symlink); nothing was done",
            hint="try again once nothing else is renaming it",
        )

    def _refuse_special(self, info: os.stat_result, path: object) -> None:
        if st_mode.S_ISREG(info.st_mode):
            return
        if st_mode.S_ISDIR(info.st_mode):
            raise _error(errno.EISDIR, path)
        raise invalid(
            f"{path} is a {kind_of(info.st_mode)}, not a regular file; the file tools only "
            "read and write regular files",
            hint="use run_command if you really need to interact with it",
        )

    def _refuse_protected(self, loc: _Loc, path: object) -> None:
        name = _protected_name(loc.parts + loc.tail)
        if name is None:
            return
        why, hint = PROTECTED_WHY.get(name, ("it is protected", None))
        raise invalid(f"refusing to change {path}: it is inside {name}/, and {why}", hint=hint)

    def _open_root(self) -> int:
        return _open_dir(str(self.root), None)

    def _components(self, path: str | os.PathLike[str]) -> deque[str]:
        if isinstance(path, os.PathLike):
            path = os.fspath(path)
        if not isinstance(path, str) or not path.strip():
            raise invalid("path must be a non-empty string")
        if "\x00" in path:
            raise invalid("path contains a NUL byte")
        if os.path.isabs(path):
            inside = self._inside_parts(path)
            if inside is None:
                raise self._outside(path)
            return deque(inside)
        return deque(_split(path))

    def _inside_parts(self, absolute: str) -> list[str] | None:
        """An absolute path's components below the root, or None if it is elsewhere. Only
        the prefix that names the root is matched (lexically, or by realpath for an alias
        of the root outside the workspace); the rest is walked through descriptors."""
        parts = _split(absolute)
        root = list(self.root.parts[1:])
        if parts[: len(root)] == root:
            return parts[len(root) :]
        for end in range(1, min(len(parts), 64) + 1):
            if parts[end - 1] == "..":
                break
            if os.path.realpath("/" + "/".join(parts[:end])) == str(self.root):
                return parts[end:]
        return None

    @contextmanager
    def _located(self, path: str | os.PathLike[str], follow_last: bool = True) -> Iterator[_Loc]:
        loc = self._walk(path, follow_last)
        try:
            yield loc
        finally:
            os.close(loc.fd)

    def _walk(self, path: str | os.PathLike[str], follow_last: bool = True) -> _Loc:
        todo = self._components(path)
        stack = [self._open_root()]
        parts: list[str] = []
        pending: list[str] = []  # names below the last existing directory: handled lexically
        final: tuple[str, os.stat_result] | None = None
        hops = retries = 0
        try:
            while todo:
                name = todo.popleft()
                if pending:
                    if name == "..":
                        pending.pop()
                    else:
                        pending.append(name)
                    continue
                if name == "..":
                    if len(stack) == 1:
                        raise self._outside(path)
                    os.close(stack.pop())
                    parts.pop()
                    continue
                last = not todo
                try:
                    info = os.stat(name, dir_fd=stack[-1], follow_symlinks=False)
                except FileNotFoundError:
                    pending.append(name)
                    continue
                if st_mode.S_ISLNK(info.st_mode) and (follow_last or not last):
                    hops += 1
                    if hops > MAX_SYMLINK_HOPS:
                        raise unexpected(
                            f"{path}: too many levels of symbolic links (a symlink loop?)",
                            hint="check the links with list_dir",
                        )
                    try:
                        target = os.readlink(name, dir_fd=stack[-1])
                    except OSError as error:  # replaced since the lstat: look again
                        if error.errno not in (errno.EINVAL, errno.ENOENT):
                            raise
                        retries = self._retry(retries, path)
                        todo.appendleft(name)
                        continue
                    if target.startswith("/"):
                        inside = self._inside_parts(target)
                        if inside is None:
                            raise self._outside(path)
                        while len(stack) > 1:
                            os.close(stack.pop())
                        parts.clear()
                        todo.extendleft(reversed(inside))
                    else:
                        todo.extendleft(reversed(_split(target)))
                    continue
                if last:
                    final = (name, info)
                    break
                if not st_mode.S_ISDIR(info.st_mode):
                    pending.append(name)  # a file used as a directory: nothing below exists
                    continue
                try:
                    fd = _open_dir(name, stack[-1])
                except OSError as error:  # swapped for a symlink or removed since the lstat
                    if error.errno not in (errno.ELOOP, errno.ENOTDIR, errno.ENOENT):
                        raise
                    retries = self._retry(retries, path)
                    todo.appendleft(name)
                    continue
                if len(stack) >= MAX_DEPTH:
                    os.close(fd)
                    raise _error(errno.ENAMETOOLONG, path, "path is too deep")
                stack.append(fd)
                parts.append(name)
            if final is not None:
                tail, info_final = [final[0]], final[1]
            elif pending:
                tail, info_final = pending, None
            else:
                tail, info_final = [], os.fstat(stack[-1])
            fd = stack.pop()
            return _Loc(fd, parts, tail, info_final)
        finally:
            for fd in stack:
                os.close(fd)

    def _retry(self, retries: int, path: object) -> int:
        if retries >= MAX_RACE_RETRIES:
            raise self._changed(path)
        return retries + 1

    @contextmanager
    def _opened_dir(self, loc: _Loc, path: object) -> Iterator[int]:
        """A descriptor of the directory `loc` names (loc.fd itself, or its one tail name)."""
        if not loc.tail:
            yield loc.fd
            return
        try:
            fd = os.open(loc.tail[0], _DIR_FLAGS, dir_fd=loc.fd)
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENOTDIR):
                raise self._changed(path) from None
            raise
        try:
            yield fd
        finally:
            os.close(fd)

    @contextmanager
    def _parent_of(self, loc: _Loc, path: object, parents: bool) -> Iterator[tuple[int, str]]:
        """(descriptor of the parent directory, final name), creating missing directories
        (each opened O_NOFOLLOW right after its mkdir)."""
        if not loc.tail:
            raise _error(errno.EISDIR, path)
        fd, owned = loc.fd, False
        try:
            done = list(loc.parts)
            for name in loc.tail[:-1]:
                if not parents:
                    raise _error(errno.ENOENT, path)
                done.append(name)
                try:
                    os.mkdir(name, 0o777, dir_fd=fd)
                except FileExistsError:
                    pass
                try:
                    sub = _open_dir(name, fd)
                except OSError as error:
                    if error.errno in (errno.ELOOP, errno.ENOTDIR):
                        where = "/".join(done)
                        raise _error(
                            errno.ENOTDIR, path, f"{where} exists and is not a directory"
                        ) from None
                    raise
                if owned:
                    os.close(fd)
                fd, owned = sub, True
            yield fd, loc.tail[-1]
        finally:
            if owned:
                os.close(fd)

    def _describe(self, dir_fd: int, name: str, rel: list[str]) -> Entry:
        try:
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError:
            return Entry(name, "unreadable")
        kind = kind_of(info.st_mode)
        if kind == "file":
            return Entry(name, kind, info.st_size)
        if kind != "symlink":
            return Entry(name, kind)
        try:
            with self._located(self.root.joinpath(*rel, name)) as loc:
                link = self.relative(self._path(loc))
                if loc.st is None:
                    return Entry(name, kind, None, link, "missing")
                target_kind = kind_of(loc.st.st_mode)
                size = loc.st.st_size if target_kind == "file" else None
                return Entry(name, kind, size, link, target_kind)
        except ToolError as error:
            why = "outside" if error.kind is ErrorKind.INVALID_ARGUMENTS else "loop"
            return Entry(name, kind, None, None, why)
        except OSError:
            return Entry(name, kind, None, None, "missing")


def _protected_name(components: list[str]) -> str | None:
    if not components:
        return None
    top = components[0].casefold()
    for name in PROTECTED:
        if top == name.casefold():
            return name
    for part in components[1:]:
        for name in PROTECTED_ANYWHERE:
            if part.casefold() == name.casefold():
                return name
    return None


def _open_dir(name: str, dir_fd: int | None) -> int:
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except PermissionError:  # searchable but not readable: enough to walk through
        if not _O_PATH:
            raise
        return os.open(name, _O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)


def _read_all(fd: int, limit: int | None) -> bytes:
    chunks: list[bytes] = []
    left = limit if limit is not None else -1
    while left != 0:
        want = 1 << 20 if left < 0 else min(left, 1 << 20)
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        if left > 0:
            left -= len(chunk)
    return b"".join(chunks)


def _atomic_write(
    dir_fd: int, name: str, data: bytes, old: os.stat_result | None, fsync: bool
) -> None:
    token = secrets.token_hex(4)
    tmp = f".{name}.{token}.reins-tmp"
    if len(os.fsencode(tmp)) > 255:
        tmp = f".{token}.reins-tmp"
    fd = os.open(tmp, _CREATE_FLAGS, 0o666, dir_fd=dir_fd)
    try:
        try:
            if old is not None:
                os.fchmod(fd, old.st_mode & 0o7777)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=dir_fd)
        except OSError:
            pass
        raise
    if fsync:
        try:
            os.fsync(dir_fd)
        except OSError:
            pass


def _quick_kind(entry: os.DirEntry) -> str:
    try:
        if entry.is_symlink():
            return "symlink"
        if entry.is_dir(follow_symlinks=False):
            return "directory"
        if entry.is_file(follow_symlinks=False):
            return "file"
    except OSError:
        return "unreadable"
    return "special file"


def _walk_fd(
    fd: int, rel: tuple[str, ...], depth: int
) -> Iterator[tuple[tuple[str, ...], list[str], list[tuple[str, str]]]]:
    dirs: list[str] = []
    others: list[tuple[str, str]] = []
    try:
        with os.scandir(fd) as scan:
            for entry in scan:
                kind = _quick_kind(entry)
                if kind == "directory":
                    dirs.append(entry.name)
                else:
                    others.append((entry.name, kind))
    except OSError:
        return  # unreadable: nothing to list
    dirs.sort()
    others.sort()
    yield rel, dirs, others
    if depth >= MAX_WALK_DEPTH:
        return
    for name in list(dirs):
        try:
            sub = os.open(name, _DIR_FLAGS, dir_fd=fd)
        except OSError:
            continue  # gone, unreadable, or swapped for a symlink since the scan: skip
        try:
            yield from _walk_fd(sub, (*rel, name), depth + 1)
        finally:
            os.close(sub)
