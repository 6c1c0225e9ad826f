"""A Merkle tree of content hashes: a file's hash is its content's, a directory's its children's.

Unchanged (size, mtime) reuse the stored hash, so only edited files are read; comparing directory
hashes with the stored tree names the subtrees that changed, and only their files are re-chunked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from reins.index.files import FileStat, looks_indexable


@dataclass
class FileEntry:
    size: int
    mtime_ns: int
    hash: str  # "" when the file is not indexable (binary, generated)


@dataclass
class TreeDiff:
    changed: list[str] = field(default_factory=list)  # new or modified, indexable
    removed: list[str] = field(default_factory=list)  # gone, or no longer indexable
    dirs_walked: int = 0  # directories whose hash changed
    root_hash: str = ""

    @property
    def empty(self) -> bool:
        return not self.changed and not self.removed


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def hash_files(
    root: Path, stats: dict[str, FileStat], known: dict[str, FileEntry]
) -> dict[str, FileEntry]:
    """Current entries: stored hashes where the stat matches, fresh reads where it does not."""
    out: dict[str, FileEntry] = {}
    for rel, st in stats.items():
        old = known.get(rel)
        if old is not None and old.size == st.size and old.mtime_ns == st.mtime_ns:
            out[rel] = old
            continue
        try:
            data = (root / rel).read_bytes()
        except OSError:
            continue
        digest = content_hash(data) if looks_indexable(data) else ""
        out[rel] = FileEntry(st.size, st.mtime_ns, digest)
    return out


def dir_hashes(files: dict[str, FileEntry]) -> dict[str, str]:
    """Directory ("" is the root, else "a/b/") → hash of its sorted children's names and hashes."""
    entries: dict[str, list[tuple[str, str]]] = {"": []}  # dir → (file name, hash)
    subdirs: dict[str, set[str]] = {"": set()}  # dir → direct child dirs
    for rel, entry in files.items():
        if not entry.hash:
            continue
        parent, _, name = rel.rpartition("/")
        key = parent + "/" if parent else ""
        entries.setdefault(key, []).append((name, entry.hash))
        while parent:  # chain every ancestor up to the root
            grand = parent.rpartition("/")[0]
            gkey = grand + "/" if grand else ""
            subdirs.setdefault(gkey, set()).add(parent + "/")
            entries.setdefault(parent + "/", [])
            parent = grand
    hashes: dict[str, str] = {}
    for directory in sorted(entries, key=lambda d: d.count("/"), reverse=True):
        items = list(entries[directory])
        items += [(sub[len(directory) :], hashes[sub]) for sub in subdirs.get(directory, ())]
        digest = hashlib.blake2b(digest_size=16)
        for name, h in sorted(items):
            digest.update(f"{name}\0{h}\n".encode("utf-8", "surrogateescape"))
        hashes[directory] = digest.hexdigest()
    return hashes


def diff_trees(
    old_files: dict[str, FileEntry],
    old_dirs: dict[str, str],
    new_files: dict[str, FileEntry],
    new_dirs: dict[str, str],
) -> TreeDiff:
    """Walk down from the root, entering only directories whose hash differs."""
    diff = TreeDiff(root_hash=new_dirs.get("", ""))
    if old_dirs.get("") == diff.root_hash and set(old_files) == set(new_files):
        return diff
    changed_dirs = {d for d, h in new_dirs.items() if old_dirs.get(d) != h}
    changed_dirs |= {d for d in old_dirs if d not in new_dirs}
    diff.dirs_walked = len(changed_dirs)

    def in_changed_dir(rel: str) -> bool:
        parent = rel.rpartition("/")[0]
        return (parent + "/" if parent else "") in changed_dirs

    for rel, entry in new_files.items():
        if not entry.hash or not in_changed_dir(rel):
            continue
        old = old_files.get(rel)
        if old is None or old.hash != entry.hash:
            diff.changed.append(rel)
    for rel, entry in old_files.items():
        if entry.hash and (rel not in new_files or not new_files[rel].hash):
            diff.removed.append(rel)
    return diff
