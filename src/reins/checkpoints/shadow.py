"""A private git repository that snapshots a working tree without touching the user's git.

Each repository reins works in gets a bare repository of its own under the data dir
(`checkpoints/NAME-HASH.git`), with its own index, used with `--work-tree=REPO`. So it
works the same in a folder that is not a git repository, and in one that is it never
writes the user's objects, index, refs, branch or stash. A snapshot is `git add -A` into
the private index (whose stat cache makes an unchanged file free) and `git write-tree`.

Only reins' own config applies (system and global config are off, the repository's
`.git/config` is never read), so a file in the working tree cannot make these calls run a
program; `.gitignore` files and the repository's `.git/info/exclude` are honoured, and a
few bulky folders (virtualenvs, node_modules, caches) are always left out, except files the
agent's own edits touch (`force_add`): an ignored `.env` it rewrites can be undone too.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from reins.sandbox.safe_git import FIXED_OVERRIDES, hardened_env

NESTED_EMPTY_REPO = re.compile(r"'([^']+)' does not have a commit checked out")

GIT_TIMEOUT_S = 120.0  # a first snapshot of a big tree hashes every file
LOCK_WAIT_S = 10.0  # another reins process on the same repo holds the private index
ALWAYS_EXCLUDED = """\
.git/
node_modules/
__pycache__/
*.pyc
.venv/
venv/
.tox/
.nox/
.mypy_cache/
.pytest_cache/
.ruff_cache/
"""
IDENTITY = {
    "GIT_AUTHOR_NAME": "reins", "GIT_AUTHOR_EMAIL": "reins@localhost",
    "GIT_COMMITTER_NAME": "reins", "GIT_COMMITTER_EMAIL": "reins@localhost",
}  # fmt: skip


class CheckpointError(RuntimeError):
    """A snapshot or restore failed; the message says why."""


@dataclass(frozen=True)
class FileChange:
    path: str
    status: str  # added | modified | deleted
    added: int | None  # lines; None for a binary file
    removed: int | None

    def to_dict(self) -> dict:
        return {"path": self.path, "status": self.status, "added": self.added,
                "removed": self.removed}  # fmt: skip


def default_checkpoint_dir() -> Path:
    from platformdirs import user_data_dir

    base = os.environ.get("REINS_DATA_DIR") or user_data_dir("reins")
    return Path(base) / "checkpoints"


class ShadowRepo:
    """The private repository of one working tree."""

    def __init__(self, root: str | Path, git_dir: str | Path | None = None):
        self.root = Path(os.path.realpath(root))
        if git_dir is None:
            digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:16]
            git_dir = default_checkpoint_dir() / f"{self.root.name or 'root'}-{digest}.git"
        self.git_dir = Path(git_dir)
        self.index = self.git_dir / "reins-index"

    def exists(self) -> bool:
        return (self.git_dir / "HEAD").exists()

    # --- plumbing -------------------------------------------------------------------

    def git(
        self, *args: str, index: Path | None = None, stdin: str | None = None,
        ok: tuple[int, ...] = (0,), literal: bool = True,
    ) -> str:  # fmt: skip
        """stdout of one git call on the private repository; CheckpointError if it fails
        (exits with a code not in `ok`). `literal=False` for commands that take plain
        paths and refuse pathspec magic (check-ignore)."""
        self._ensure()
        env = {
            **hardened_env(), **IDENTITY,
            "GIT_DIR": str(self.git_dir), "GIT_WORK_TREE": str(self.root),
            "GIT_INDEX_FILE": str(index or self.index),
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_LITERAL_PATHSPECS": "1" if literal else "0",  # a file ":x" or "*.py" is that file
        }  # fmt: skip
        flags = [f for key, value in FIXED_OVERRIDES.items() for f in ("-c", f"{key}={value}")]
        argv = ["git", "--no-pager", *flags, *args]
        waited = 0.0
        while True:
            done = self._run(argv, env, stdin)
            if done.returncode in ok:
                return done.stdout
            if "index.lock" in done.stderr and waited < LOCK_WAIT_S:
                time.sleep(0.05)  # another reins process is snapshotting this repo
                waited += 0.05
                continue
            message = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise CheckpointError(f"git {args[0]} failed: {message[0]}")

    def _run(self, argv: list[str], env: dict, stdin: str | None) -> subprocess.CompletedProcess:
        if not self.root.is_dir():
            raise CheckpointError(f"{self.root} is not there any more")
        try:
            return subprocess.run(
                argv, cwd=self.root, env=env, input=stdin, capture_output=True, text=True,
                errors="surrogateescape", timeout=GIT_TIMEOUT_S,
                stdin=None if stdin is not None else subprocess.DEVNULL,
            )  # fmt: skip
        except FileNotFoundError:
            raise CheckpointError(
                "git is not installed, so changes cannot be checkpointed"
            ) from None
        except subprocess.TimeoutExpired:
            raise CheckpointError(
                f"git {argv[-1]} took over {GIT_TIMEOUT_S:.0f}s (a huge tree?)"
            ) from None

    def _attributes(self) -> None:
        """Bytes in, the same bytes out: no line-ending, ident, filter or encoding rule of
        the tree's .gitattributes applies to snapshots or restores."""
        info = self.git_dir / "info"
        info.mkdir(parents=True, exist_ok=True)
        path = info / "attributes"
        if not path.exists():
            path.write_text("* -text -ident -filter -working-tree-encoding\n", "utf-8")

    def _ensure(self) -> None:
        if self.exists():
            if not (self.git_dir / "info" / "attributes").exists():
                self._attributes()  # a shadow repo made before this rule existed
            return
        self.git_dir.parent.mkdir(parents=True, exist_ok=True)
        env = {**hardened_env(), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
        for argv in (
            ["git", "init", "--quiet", "--bare", str(self.git_dir)],
            ["git", "--git-dir", str(self.git_dir), "config", "core.bare", "false"],
            ["git", "--git-dir", str(self.git_dir), "config", "core.autocrlf", "false"],
            ["git", "--git-dir", str(self.git_dir), "config", "gc.auto", "0"],  # gc(): ours
        ):
            done = self._run(argv, env, None)
            if done.returncode != 0:
                raise CheckpointError(f"cannot create {self.git_dir}: {done.stderr.strip()}")
        self._attributes()
        info = self.git_dir / "info"
        user_exclude = self.root / ".git" / "info" / "exclude"
        extra = user_exclude.read_text("utf-8", "replace") if user_exclude.is_file() else ""
        (info / "exclude").write_text(ALWAYS_EXCLUDED + extra, "utf-8")

    # --- snapshots and diffs --------------------------------------------------------

    def snapshot(self) -> str:
        """The tree id of the working tree as it is now. A nested repository with no
        commit yet (which `git add` refuses) is left out, and said so in the exclude file."""
        for _ in range(20):
            try:
                self.git("add", "--all", "--ignore-errors", "--", ".")
                break
            except CheckpointError as error:
                nested = NESTED_EMPTY_REPO.search(str(error))
                if nested is None:
                    raise
                with (self.git_dir / "info" / "exclude").open("a", encoding="utf-8") as f:
                    f.write(f"/{nested.group(1).rstrip('/')}/\n")
        return self.git("write-tree").strip()

    def ignored(self, paths: list[str]) -> list[str]:
        """Those of `paths` that snapshots leave out: ignored (.gitignore, the always
        excluded folders) and not yet in the private index."""
        if not paths:
            return []
        out = self.git("check-ignore", "-z", "--stdin", stdin="\0".join(paths) + "\0",
                       ok=(0, 1), literal=False)  # fmt: skip
        return [p for p in out.split("\0") if p]

    def force_add(self, paths: list[str], index: Path | None = None) -> None:
        """Put these files (ignored ones too) into the private index as they are now; from
        then on every snapshot has them. Paths that are not files are skipped."""
        present = [p for p in paths if (self.root / p).is_file()]
        if present:
            self.git("add", "--force", "--", *present, index=index)

    def commit(self, tree: str, message: str) -> str:
        return self.git("commit-tree", tree, "-m", message).strip()

    def set_ref(self, ref: str, commit: str) -> None:
        self.git("update-ref", ref, commit)

    def refs(self, prefix: str) -> list[tuple[str, str, float, str, str]]:
        """(ref, commit, unix time, message subject, message body) under prefix."""
        fmt = "%(refname)%00%(objectname)%00%(creatordate:unix)%00%(contents:subject)%00%(contents:body)%01"
        out = self.git("for-each-ref", f"--format={fmt}", prefix)
        rows = []
        for record in out.split("\x01"):
            record = record.strip("\n")
            try:
                ref, commit, when, subject, body = record.split("\0", 4)
                rows.append((ref, commit, float(when or 0), subject, body))
            except ValueError:  # an empty tail, or a message reins did not write
                continue
        return rows

    def gc(self) -> None:
        """Let git pack loose objects and drop unreachable ones when enough piled up."""
        try:
            self.git("-c", "gc.auto=6700", "gc", "--auto", "--quiet")
        except CheckpointError:
            pass  # housekeeping only

    def delete_ref(self, ref: str) -> None:
        self.git("update-ref", "-d", ref)

    def changes(self, a: str, b: str) -> list[FileChange]:
        """What differs from tree-ish a to b, by path (a rename is a delete and an add)."""
        statuses = {}
        raw = self.git("diff-tree", "-r", "-z", "--no-renames", "--name-status", a, b)
        parts = raw.split("\0")
        for code, path in zip(parts[0::2], parts[1::2], strict=False):
            if code:
                statuses[path] = {"A": "added", "D": "deleted"}.get(code[0], "modified")
        counts = {}
        for entry in self.git("diff-tree", "-r", "-z", "--no-renames", "--numstat", a, b).split(
            "\0"
        ):
            fields = entry.split("\t", 2)
            if len(fields) == 3:
                added, removed, path = fields
                counts[path] = (None, None) if added == "-" else (int(added), int(removed))
        return [FileChange(path, status, *counts.get(path, (None, None)))
                for path, status in sorted(statuses.items())]  # fmt: skip

    def patch(self, a: str, b: str, paths: list[str] | None = None) -> str:
        """A unified diff from a to b (binary files named, not dumped)."""
        return self.git("diff-tree", "-r", "-p", "--no-renames", "--no-color", a, b, "--",
                        *(paths or []))  # fmt: skip

    def restore(self, tree: str, paths: list[str]) -> None:
        """Make each path of the working tree what it is in `tree`: written (content and
        mode) where tree has it, deleted where it does not. Other paths are not touched;
        a folder standing where a file goes back is refused, never deleted."""
        if not paths:
            return
        in_tree = {p for p in self.git("ls-tree", "-r", "-z", "--name-only", tree).split("\0") if p}
        present = in_tree & set(paths)
        kept_dirs = {str(parent) for p in in_tree for parent in Path(p).parents}
        for path in sorted(present):
            target = self.root / path
            if target.is_dir() and not target.is_symlink():
                raise CheckpointError(f"cannot restore {path}: a folder is there now")
        try:
            for path in sorted(set(paths) - present, reverse=True):
                self._remove(path, kept_dirs)
        except OSError as error:
            raise CheckpointError(f"cannot delete {error.filename}: {error.strerror}") from error
        if present:
            scratch = self.git_dir / f"restore-index-{os.getpid()}"
            try:
                self.git("read-tree", tree, index=scratch)
                self.git("checkout-index", "-f", "-z", "--stdin", index=scratch,
                         stdin="\0".join(sorted(present)) + "\0")  # fmt: skip
            finally:
                scratch.unlink(missing_ok=True)

    def _remove(self, path: str, kept_dirs: set[str]) -> None:
        target = self.root / path
        parent = Path(os.path.realpath(target.parent))
        if parent != self.root and not parent.is_relative_to(self.root):
            raise CheckpointError(f"refusing to delete {path}: its folder leads outside the repo")
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            raise CheckpointError(f"cannot restore {path}: it is a folder now") from None
        folder = Path(path).parent
        while str(folder) not in (".", "") and str(folder) not in kept_dirs:
            try:
                (self.root / folder).rmdir()  # only if empty: a folder the agent created
            except OSError:
                break
            folder = folder.parent
