"""Which files the index covers: .gitignore respected; binary, generated and oversized skipped."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

from reins.sandbox.safe_git import git_call

MAX_FILE_BYTES = 512 * 1024
SKIP_DIRS = frozenset(
    ".git .hg .svn node_modules __pycache__ .venv venv .tox .nox .mypy_cache .pytest_cache "
    ".ruff_cache .eggs site-packages .idea .vscode .next .cache".split()
)
# Data, media and generated artefacts: text search over them finds noise, not code.
SKIP_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .ico .bmp .webp .pdf .zip .gz .tgz .bz2 .xz .7z .whl .egg .so .dylib "
    ".dll .exe .o .a .pyc .pyo .class .jar .woff .woff2 .ttf .otf .eot .mo .po .pot .svg .csv "
    ".tsv .parquet .npy .npz .pkl .db .sqlite .sqlite3 .lock .map .min.js .min.css .mp3 .mp4 "
    ".wav .ogg .mov".split()
)
_SKIP_SUFFIX_TUPLE = tuple(SKIP_SUFFIXES)  # str.endswith takes a tuple: one call per name
SKIP_NAMES = frozenset({"package-lock.json", "yarn.lock", "poetry.lock", "Cargo.lock", "uv.lock"})


@dataclass(frozen=True)
class FileStat:
    size: int
    mtime_ns: int


def skipped_by_name(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    if name in SKIP_NAMES or name.endswith(("_pb2.py", "_pb2_grpc.py")):
        return True
    return name.lower().endswith(_SKIP_SUFFIX_TUPLE)


def looks_indexable(data: bytes) -> bool:
    """Text, not binary, not minified/generated."""
    head = data[:8192]
    if b"\0" in head:
        return False
    if b"@generated" in head[:2048] or b"DO NOT EDIT" in head[:2048]:
        return False
    lines = data.count(b"\n") + 1
    return len(data) / lines < 400  # minified bundles put everything on a few lines


def list_files(root: Path) -> dict[str, FileStat]:
    """Relative path → stat for every candidate file (content checks happen when hashing)."""
    listed = _git_files(root)
    if listed is None:
        return _walk(root)
    out: dict[str, FileStat] = {}
    base = os.path.join(root, "")  # joined as strings: pathlib cost a quarter of the listing
    for rel in listed:
        if skipped_by_name(rel) or any(part in SKIP_DIRS for part in rel.split("/")[:-1]):
            continue
        try:
            st = os.stat(base + rel, follow_symlinks=False)
        except OSError:
            continue  # deleted but still in git's index
        if _regular_small(st):
            out[rel] = FileStat(st.st_size, st.st_mtime_ns)
    return out


def _regular_small(st: os.stat_result) -> bool:
    import stat as stat_module

    return stat_module.S_ISREG(st.st_mode) and 0 < st.st_size <= MAX_FILE_BYTES


def _git_files(root: Path) -> list[str] | None:
    """Tracked plus untracked-not-ignored files, when root is a git work tree."""
    if not (root / ".git").exists():
        return None
    # Hardened: a model could have set core.fsmonitor (or the like) in the repo's config.
    code, out, _ = git_call(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
                            sandboxed=False, timeout_s=60.0,
                            errors="surrogateescape")  # fmt: skip
    if code != 0:
        return None
    return sorted({p for p in out.split("\0") if p})


def _walk(root: Path) -> dict[str, FileStat]:
    """No git: walk the tree, honouring every .gitignore on the way down."""
    out: dict[str, FileStat] = {}
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []

    def ignored(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        for base, spec in reversed(specs):  # as git: the deepest file with a match decides,
            if probe.startswith(base):  # so a nested `!keep.log` beats the root's `*.log`
                verdict = spec.check_file(probe[len(base) :]).include
                if verdict is not None:
                    return verdict
        return False

    def visit(directory: str, rel_dir: str) -> None:
        # Strings and the scandir entries' own types, no pathlib and no extra stat: django's
        # sdist has 3,233 folders, and each search through the tool walks them all.
        try:
            with os.scandir(directory) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError:
            entries = []
        pushed = False
        gitignore = next((e for e in entries if e.name == ".gitignore"), None)
        if gitignore is not None and gitignore.is_file(follow_symlinks=False):
            try:
                with open(gitignore.path, encoding="utf-8", errors="replace") as file:
                    specs.append(
                        (rel_dir, pathspec.GitIgnoreSpec.from_lines(file.read().splitlines()))
                    )
                pushed = True
            except OSError:
                pass
        for entry in entries:
            rel = rel_dir + entry.name
            try:
                if entry.is_symlink():
                    continue  # never follow links out of (or around) the repo
                if entry.is_dir():
                    if entry.name not in SKIP_DIRS and not ignored(rel, True):
                        visit(entry.path, rel + "/")
                elif not skipped_by_name(rel) and not ignored(rel, False):
                    st = entry.stat()
                    if _regular_small(st):
                        out[rel] = FileStat(st.st_size, st.st_mtime_ns)
            except OSError:
                continue
        if pushed:
            specs.pop()

    visit(str(root), "")
    return out
