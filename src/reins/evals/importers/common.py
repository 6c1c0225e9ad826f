"""What every importer shares: drafting a task folder (workspace, hidden tests, verifier,
solution), checking it (solution -> reward 1, untouched workspace -> reward 0), the
import report, and running work in parallel with progress."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from reins.evals.importers import runtime

Progress = Callable[[int, int, str], None]  # (done, total, what is being done)
T = TypeVar("T")
R = TypeVar("R")

RUNTIME_NAME = "_reins_verify.py"
STAGING = ".partial"  # DEST/.partial/NAME: tasks being written
CHECK_TIMEOUT_S = 60.0  # solve.sh at import time
JUNK = {".git", ".hg", ".svn", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
        ".tox", ".nox", ".venv", "venv", ".eggs", "build", "dist", ".reins"}  # fmt: skip

TEST_SH = """#!/usr/bin/env bash
# The verifier of a task made by `reins tasks import {kind}`. It runs in the workspace,
# restores the hidden test files (tests/files/), runs the tests and writes
# /logs/verifier/reward.json: {{"reward": 1.0 only if every named test passes,
# "fraction": the share that passed, ...}}. Settings: tests/verify.json.
here="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
exec python3 "$here/{runtime}" "$here" "${{REINS_VERIFIER_LOGS:-/logs/verifier}}"
"""


class SourceError(ValueError):
    """The source cannot be imported at all (the message says why); single tasks that
    fail are dropped and reported instead."""


@dataclass
class ImportReport:
    kind: str
    dest: str
    imported: list[str] = field(default_factory=list)
    dropped: list[dict[str, str]] = field(default_factory=list)  # {name, reason}
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    def drop(self, name: str, reason: str) -> None:
        self.dropped.append({"name": name, "reason": reason})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Check:
    untouched: float | None  # the reward of the workspace as imported
    solved: float | None  # the reward after solution/solve.sh
    output: str  # the tail of what failed, for the report

    @property
    def problem(self) -> str | None:
        if self.solved is None:
            return "the reference solution failed, or the verifier wrote no reward"
        if self.solved != 1.0:
            return f"the reference solution does not pass the tests (reward {self.solved})"
        if self.untouched is None:
            return "the verifier wrote no reward for the untouched workspace"
        if self.untouched != 0.0:
            return f"the untouched workspace already passes (reward {self.untouched})"
        return None


def safe_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return name or "task"


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    # A JSON string is a TOML basic string (TOML also wants DEL escaped).
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def task_toml(metadata: dict[str, Any], agent_timeout_s: float, verifier_timeout_s: float) -> str:
    lines = ['version = "1.0"', "", "[metadata]"]
    lines += [f"{key} = {toml_value(v)}" for key, v in metadata.items() if v is not None]
    lines += ["", "[agent]", f"timeout_sec = {float(agent_timeout_s)!r}"]
    lines += ["", "[verifier]", f"timeout_sec = {float(verifier_timeout_s)!r}", ""]
    return "\n".join(lines)


def solution_script(kind: str, files: dict[str, bytes | None]) -> str:
    """solve.sh that writes `files` (None: delete) into the workspace; self-contained (the
    bench may mount solution/ anywhere), exact bytes, needs only bash and python3."""
    payload = {
        path: None if data is None else {"data": base64.b64encode(data).decode()}
        for path, data in sorted(files.items())
    }
    encoded = base64.b64encode(json.dumps(payload).encode()).decode()
    wrapped = "\n".join(textwrap.wrap(encoded, 100))
    listing = "\n".join(
        f"#   {'delete' if data is None else 'write'} {path}"
        for path, data in sorted(files.items())
    )
    return f"""#!/usr/bin/env bash
# The reference solution of a task made by `reins tasks import {kind}`.
# Run in the workspace; it changes these files:
{listing}
set -euo pipefail
python3 - <<'REINS_SOLUTION_EOF'
import base64, json, os
FILES = json.loads(base64.b64decode('''
{wrapped}
''').decode())
for path, entry in FILES.items():
    if entry is None:
        if os.path.lexists(path):
            os.remove(path)
        continue
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(base64.b64decode(entry["data"]))
REINS_SOLUTION_EOF
"""


def _mode(source_mode: int) -> int:
    return 0o755 if source_mode & 0o111 else 0o644


def write_file(path: Path, data: bytes, executable: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o755 if executable else 0o644)


def copy_tree(
    source: Path, target: Path, skip: Callable[[str], bool] | None = None, drop_junk: bool = False
) -> None:
    """Copy a folder, files writable (sources may be read-only), symlinks as symlinks;
    skip(relative path) leaves things out, drop_junk also caches, VCS and build folders."""
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        relative = here.relative_to(source)
        dirs[:] = sorted(
            d
            for d in dirs
            if not (drop_junk and d in JUNK) and not (skip and skip(str(relative / d)))
        )
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in sorted(files) + [d for d in dirs if (here / d).is_symlink()]:
            path = relative / name
            if skip and skip(str(path)):
                continue
            copy_paths(source, target, [str(path)])
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]


def copy_paths(source: Path, target: Path, paths: Iterable[str]) -> None:
    for relative in paths:
        src, dst = source / relative, target / relative
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(os.readlink(src))
        else:
            shutil.copyfile(src, dst)
            dst.chmod(_mode(src.stat().st_mode))


class TaskDraft:
    """A task folder being written under DEST/.partial/NAME; commit() moves it into place,
    so an interrupted import never leaves a half-written task that looks whole (a suite's
    tasks are its direct subfolders)."""

    def __init__(self, dest: Path, name: str, kind: str, force: bool = False):
        self.dest, self.name, self.kind = dest, name, kind
        if (dest / name).exists() and not force:
            raise FileExistsError(f"{dest / name} exists (use --force to replace it)")
        self.path = dest / STAGING / name
        if self.path.exists():
            shutil.rmtree(self.path)
        self.workspace.mkdir(parents=True)
        self.tests.mkdir(parents=True)

    @property
    def workspace(self) -> Path:
        return self.path / "environment" / "workspace"

    @property
    def tests(self) -> Path:
        return self.path / "tests"

    def hide(self, relative: str, data: bytes) -> None:
        """A file the verifier copies over the workspace before the tests run."""
        write_file(self.tests / runtime.FILES_DIR / relative, data)

    def write(
        self,
        instruction: str,
        metadata: dict[str, Any],
        verify: dict[str, Any],
        solution: dict[str, bytes | None] | None,
        agent_timeout_s: float,
        verifier_timeout_s: float,
        extra_solution_files: dict[str, bytes] | None = None,
    ) -> None:
        write_file(self.path / "instruction.md", instruction.rstrip().encode() + b"\n")
        toml = task_toml(metadata, agent_timeout_s, verifier_timeout_s)
        write_file(self.path / "task.toml", toml.encode())
        config = {"version": 1, "kind": self.kind, **verify}
        write_file(self.tests / runtime.CONFIG_FILE, json.dumps(config, indent=1).encode())
        write_file(self.tests / RUNTIME_NAME, Path(runtime.__file__).read_bytes())
        script = TEST_SH.format(kind=self.kind, runtime=RUNTIME_NAME)
        write_file(self.tests / "test.sh", script.encode(), executable=True)
        if solution is not None:
            solve = solution_script(self.kind, solution)
            write_file(self.path / "solution" / "solve.sh", solve.encode(), executable=True)
            for name, data in (extra_solution_files or {}).items():
                write_file(self.path / "solution" / name, data)

    def check(self, timeout_s: float) -> Check:
        return check_task(self.path, timeout_s)

    def commit(self, force: bool) -> Path:
        final = self.dest / self.name
        if final.exists():
            if not force:
                self.discard()
                raise FileExistsError(f"{final} exists (use --force to replace it)")
            shutil.rmtree(final)
        os.replace(self.path, final)
        return final

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def finish(self, force: bool, check_timeout_s: float | None) -> str | None:
        """Check the task (unless check_timeout_s is None) and move it into place; returns
        why it was dropped, or None. A dropped or failed draft leaves nothing behind."""
        try:
            if check_timeout_s is not None:
                result = self.check(check_timeout_s)
                if result.problem:
                    self.discard()
                    return f"{result.problem}; verifier output: {result.output[-600:]}"
            self.commit(force)
        except FileExistsError as error:
            return str(error)
        except BaseException:
            self.discard()
            raise
        return None


def select_only(items: list, only: tuple[str, ...], name_of, what: str, source: Path) -> list:
    """The items named in `only` (all when empty); an unknown name is a SourceError."""
    if not only:
        return items
    unknown = set(only) - {name_of(item) for item in items}
    if unknown:
        raise SourceError(f"no {what} named {', '.join(sorted(unknown))} in {source}")
    return [item for item in items if name_of(item) in only]


def tidy(dest: Path) -> None:
    """Remove DEST/.partial once every draft is committed or discarded."""
    try:
        (dest / STAGING).rmdir()
    except OSError:
        pass


def _run_verifier(task: Path, workspace: Path, timeout_s: float) -> tuple[float | None, str]:
    with tempfile.TemporaryDirectory(prefix="reins-logs-") as logs:
        env = {**os.environ, "REINS_VERIFIER_LOGS": logs}
        try:
            done = subprocess.run(
                ["bash", str(task / "tests" / "test.sh")], cwd=workspace, env=env,
                capture_output=True, text=True, timeout=timeout_s + 30, start_new_session=True,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return None, "the verifier did not finish"
        output = (done.stdout + done.stderr)[-3000:]
        try:
            rewards = json.loads((Path(logs) / "reward.json").read_text("utf-8"))
            return float(rewards["reward"]), output
        except (OSError, ValueError, KeyError, TypeError):
            return None, output


def check_task(task: Path, verifier_timeout_s: float) -> Check:
    """Run the verifier on a copy of the untouched workspace (must give 0) and on a copy
    with solution/solve.sh applied (must give 1), the way the bench will (without the
    sandbox's mounts: test.sh finds its folder itself)."""
    source = task / "environment" / "workspace"
    with tempfile.TemporaryDirectory(prefix="reins-check-") as scratch:
        untouched, solved = Path(scratch) / "untouched", Path(scratch) / "solved"
        copy_tree(source, untouched)
        copy_tree(source, solved)
        before, output = _run_verifier(task, untouched, verifier_timeout_s)
        solve = task / "solution" / "solve.sh"
        if not solve.is_file():
            return Check(before, None, "no solution/solve.sh")
        try:
            done = subprocess.run(["bash", str(solve)], cwd=solved, capture_output=True,
                                  text=True, timeout=CHECK_TIMEOUT_S, start_new_session=True)  # fmt: skip
        except subprocess.TimeoutExpired:
            return Check(before, None, f"solve.sh ran past {CHECK_TIMEOUT_S:g} s")
        if done.returncode != 0:
            return Check(before, None, (done.stdout + done.stderr)[-3000:])
        after, after_output = _run_verifier(task, solved, verifier_timeout_s)
    return Check(before, after, after_output if after != 1.0 else output)


def parallel_map(
    items: Sequence[T], work: Callable[[T], R], jobs: int, progress: Progress | None,
    label: Callable[[T], str] = str,
) -> list[R]:  # fmt: skip
    """work(item) for every item, `jobs` at a time (subprocess-bound), results in order."""
    results: list[R | None] = [None] * len(items)
    done = 0
    if progress:
        progress(0, len(items), "")
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(work, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            done += 1
            if progress:
                progress(done, len(items), label(items[index]))
    except BaseException:  # Ctrl-C: what has not started never starts
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results  # type: ignore[return-value]


def prepare_dest(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise SourceError(f"{dest} exists and is not a folder")
    dest.mkdir(parents=True, exist_ok=True)


def python3_has(module: str) -> bool:
    """Whether the python3 the verifier will use (the first on PATH) can import `module`."""
    try:
        done = subprocess.run(["python3", "-c", f"import {module}"], capture_output=True,
                              timeout=60)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
