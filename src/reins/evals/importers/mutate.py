"""`reins tasks import mutate SRC DEST`: bug-fix tasks made from a repository with a test
suite, by injecting small bugs (mutations.py) that make a few tests fail.

1. SRC is copied to a scratch folder (git's file list when it is a git repo: ignored
   files stay out) and its suite runs twice (the baseline; tests that fail or flip there
   are left out of every task, and reported).
2. Candidate mutations of the library code (not tests, setup.py, docs, examples) are
   shuffled with --seed, one kind after another, at most one per function; each is
   applied and the suite runs (killed past a timeout; a mutation that hangs is dropped).
   A mutation is kept when 1..--max-failing tests that passed before now fail.
3. Each kept mutation becomes a task: the workspace is the repository with the bug; the
   instruction names the failing tests and how to run the suite; tests/ holds the
   original test files (restored before grading) and runs the full suite: reward 1 only
   if the failing tests and every test that passed before pass, fractions recorded;
   solution/solve.sh restores the original file. Every task is checked like the others.

The same --seed on the same repository gives the same tasks (names are hashes of the bug).
"""

from __future__ import annotations

import math
import random
import re
import shlex
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from reins.evals.importers import runtime
from reins.evals.importers.common import (
    JUNK,
    ImportReport,
    Progress,
    SourceError,
    TaskDraft,
    copy_paths,
    prepare_dest,
    python3_has,
    safe_name,
    tidy,
    write_file,
)
from reins.evals.importers.mutations import KINDS, Mutation, changes, find_mutations

KIND = "mutate"
TEST_DIRS = {"tests", "test", "testing"}
NOT_LIBRARY = {"docs", "doc", "examples", "example", "benchmarks", "benchmark", "scripts",
               "tools", "bench", "ci", ".github"} | TEST_DIRS  # fmt: skip
NOT_LIBRARY_FILES = {"setup.py", "conftest.py", "noxfile.py", "fabfile.py", "tasks.py",
                     "versioneer.py", "_version.py", "__main__.py"}  # fmt: skip
PYTEST_CONFIG = (("pytest.ini", ""), ("pyproject.toml", "[tool.pytest"),
                 ("setup.cfg", "[tool:pytest]"), ("tox.ini", "[pytest]"))  # fmt: skip
SHOWN_TESTS = 20  # failing tests listed in the instruction


@dataclass
class Repo:
    """What was learnt about the repository before any mutation."""

    name: str
    files: list[str]  # every file copied, relative, posix
    tests: list[str]  # test files (restored before grading)
    library: list[str]  # .py files mutations may touch
    command: str
    runner: str  # pytest, unittest or custom
    python_path: list[str] = field(default_factory=list)
    passing: list[str] = field(default_factory=list)  # ids passing in both baselines
    excluded: list[str] = field(default_factory=list)  # failing or flaky at baseline
    baseline_s: float = 0.0


def list_files(source: Path) -> list[str]:
    """The repository's files: git's list (tracked and untracked, not ignored) when it is
    a git work tree, else every file outside caches, VCS and build folders."""
    done = subprocess.run(
        ["git", "-C", str(source), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, timeout=120,
    )  # fmt: skip
    if done.returncode == 0 and done.stdout:
        names = sorted({n for n in done.stdout.decode("utf-8", "replace").split("\0") if n})
        return [n for n in names if (source / n).is_file() and not _junk(n)]
    found = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_file() and not _junk(relative):
            found.append(relative)
    return found


def _junk(relative: str) -> bool:
    parts = relative.split("/")
    return any(p in JUNK or p.endswith(".egg-info") for p in parts[:-1]) or relative.endswith(
        (".pyc", ".pyo")
    )


def is_test_file(relative: str) -> bool:
    parts = relative.split("/")
    name = parts[-1]
    return (
        any(p in TEST_DIRS for p in parts[:-1])
        or name == "conftest.py"
        or (name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")))
    )


def library_files(files: list[str], only: tuple[str, ...]) -> list[str]:
    chosen = []
    for relative in files:
        parts = relative.split("/")
        if not relative.endswith(".py") or is_test_file(relative):
            continue
        if only:
            if any(
                relative == o.strip("/") or relative.startswith(o.strip("/") + "/") for o in only
            ):
                chosen.append(relative)
            continue
        if parts[-1] in NOT_LIBRARY_FILES or any(p in NOT_LIBRARY for p in parts[:-1]):
            continue
        chosen.append(relative)
    return chosen


def _test_roots(tests: list[str]) -> list[str]:
    """The folders (or files) that hold the tests: tests/, pkg/tests/, a test_x.py."""
    roots = set()
    for relative in tests:
        parts = relative.split("/")
        for index, part in enumerate(parts[:-1]):
            if part in TEST_DIRS:
                roots.add("/".join(parts[: index + 1]))
                break
        else:
            if parts[-1] != "conftest.py":
                roots.add(relative)
    return sorted(r for r in roots if not any(r.startswith(o + "/") for o in roots if o != r))


def needs_pytest(root: Path, tests: list[str]) -> bool:
    """Tests written for pytest: a conftest, pytest settings, `import pytest`, or bare
    test functions (unittest would not find them)."""
    if any(t.endswith("conftest.py") for t in tests):
        return True
    for name, marker in PYTEST_CONFIG:
        file = root / name
        if file.is_file() and marker in file.read_text("utf-8", "replace"):
            return True
    for relative in tests:
        if relative.endswith(".py"):
            text = (root / relative).read_text("utf-8", "replace")
            if re.search(r"^\s*(import pytest|from pytest)|^def test_", text, re.M):
                return True
    return False


def default_command(root: Path, tests: list[str]) -> tuple[str, str]:
    """(runner, command) to run the whole suite: pytest where the tests need it, else
    unittest discovery."""
    roots = _test_roots(tests)
    if not roots:
        raise SourceError(f"{root} has no tests (test_*.py, *_test.py or a tests/ folder)")
    if needs_pytest(root, tests):
        if not python3_has("pytest"):
            raise SourceError(
                "the tests need pytest, which the python3 on PATH cannot import "
                "(install it there, or give --test-cmd)"
            )
        paths = " ".join(shlex.quote(r) for r in roots)
        return "pytest", f"python3 -m pytest -q -p no:cacheprovider --rootdir=. {paths}"
    folders = [r for r in roots if (root / r).is_dir()]
    start = folders[0] if len(folders) == 1 and len(roots) == 1 else "."
    top = "" if start == "." or not (root / start / "__init__.py").is_file() else " -t ."
    modules = [Path(t).name for t in tests if t.endswith(".py") and Path(t).name != "__init__.py"]
    if modules and all(m.endswith("_test.py") for m in modules):
        top += " -p '*_test.py'"
    return "unittest", f"python3 -m unittest discover -s {shlex.quote(start)}{top}"


def _python_path(root: Path) -> list[str]:
    src = root / "src"
    layout = src.is_dir() and (any(src.glob("*/__init__.py")) or any(src.glob("*.py")))
    return ["src"] if layout else []


def _run(repo: Repo, work: Path, timeout_s: float, maxfail: int = 0) -> dict:
    return runtime.run_tests(repo.command, str(work), timeout_s, repo.python_path, maxfail)


def survey(source: Path, work: Path, test_cmd: str | None, only: tuple[str, ...],
           timeout_s: float, name: str | None = None) -> Repo:  # fmt: skip
    """Copy the repository into `work`, find its tests and library, run the baseline."""
    files = list_files(source)
    copy_paths(source, work, files)
    tests = [f for f in files if is_test_file(f)]
    library = library_files(files, only)
    if not library:
        raise SourceError(f"{source}: no library code to mutate (use --source PATH)")
    if test_cmd:
        runner, command = "custom", test_cmd
    else:
        runner, command = default_command(work, tests)
    repo = Repo(safe_name(name or source.resolve().name), files, tests, library, command, runner,
                _python_path(work))  # fmt: skip
    first = _run(repo, work, timeout_s)
    if first["timed_out"]:
        raise SourceError(f"the test suite ran past {timeout_s:g} s (raise --timeout)")
    second = _run(repo, work, timeout_s)
    repo.baseline_s = max(first["seconds"], second["seconds"])
    ids = set(first["outcomes"]) | set(second["outcomes"])
    both = {t for t in ids
            if first["outcomes"].get(t) in runtime.PASSING
            and second["outcomes"].get(t) in runtime.PASSING}  # fmt: skip
    repo.passing = sorted(both)
    repo.excluded = sorted(t for t in ids - both if "skipped" not in (
        first["outcomes"].get(t), second["outcomes"].get(t)))  # fmt: skip
    if not repo.passing:
        tail = first["output"].strip().splitlines()[-5:]
        raise SourceError(
            f"no test passed before any mutation (command: {command}); the output ends: "
            + " | ".join(tail)
        )
    return repo


def candidates(work: Path, repo: Repo, seed: int) -> list[Mutation]:
    """Every mutation of the library, in the order they will be tried: shuffled by seed
    within each kind, the kinds taken in turn (so no one kind crowds out the rest)."""
    rng = random.Random(seed)
    by_kind: dict[str, list[Mutation]] = defaultdict(list)
    for relative in repo.library:
        source = (work / relative).read_text("utf-8", "replace")
        for mutation in find_mutations(relative, source):
            by_kind[mutation.kind].append(mutation)
    queues = []
    kinds = list(KINDS)
    rng.shuffle(kinds)
    for kind in kinds:
        found = sorted(by_kind.get(kind, []), key=lambda m: (m.path, m.line, m.new_line))
        rng.shuffle(found)
        queues.append(found)
    ordered: list[Mutation] = []
    while any(queues):
        for queue in queues:
            if queue:
                ordered.append(queue.pop())
    return ordered


def failing_after(repo: Repo, work: Path, mutation: Mutation, max_failing: int,
                  timeout_s: float) -> tuple[list[str] | None, str]:  # fmt: skip
    """The baseline-passing tests that fail with `mutation` applied (None: it hung)."""
    path = work / mutation.path
    original = path.read_bytes()
    try:
        path.write_text(mutation.apply(original.decode("utf-8")), "utf-8")
        run = _run(repo, work, timeout_s, maxfail=max_failing + 1 + len(repo.excluded))
    finally:
        path.write_bytes(original)
    if run["timed_out"]:
        return None, "timeout"
    failing = [t for t in repo.passing if run["outcomes"].get(t) not in runtime.PASSING]
    return failing, ""


def _env_prefix(repo: Repo) -> str:
    return "".join(f"PYTHONPATH={p} " for p in repo.python_path[:1])


def suite_command(repo: Repo) -> str:
    """The whole suite, as the agent is told to run it (and a peer is given it)."""
    return _env_prefix(repo) + repo.command


def instruction(repo: Repo, failing: list[str]) -> str:
    shown = "\n".join(f"- `{t}`" for t in failing[:SHOWN_TESTS])
    if len(failing) > SHOWN_TESTS:
        shown += f"\n- … and {len(failing) - SHOWN_TESTS} more"
    env = _env_prefix(repo)
    run = f"    {suite_command(repo)}"
    if repo.runner == "pytest":
        picked = " ".join(shlex.quote(t) for t in failing[:SHOWN_TESTS])
        run += f"\n\nor only the failing ones with:\n\n    {env}python3 -m pytest -q {picked}"
    return (
        "# Fix the failing tests\n\n"
        f"The test suite of this repository (`{repo.name}`, in the current directory) "
        "passed until a recent change introduced a bug. These tests fail now:\n\n"
        f"{shown}\n\n"
        "Find the bug in the code and fix it, so that these tests pass and the rest of the "
        "suite still passes. The bug is in the library code, not in the tests: the test "
        "files are restored before grading, so changing them does not help.\n\n"
        f"Run the test suite with:\n\n{run}\n"
    )


def write_task(repo: Repo, work: Path, dest: Path, mutation: Mutation, failing: list[str],
               seed: int, force: bool, agent_timeout_s: float) -> str | None:  # fmt: skip
    name = f"{repo.name}-{mutation.key}"
    verifier_timeout_s = float(max(60, math.ceil(repo.baseline_s * 5) + 30))
    draft = TaskDraft(dest, name, KIND, force)
    try:
        original = (work / mutation.path).read_bytes()
        copy_paths(work, draft.workspace, repo.files)
        write_file(draft.workspace / mutation.path,
                   mutation.apply(original.decode("utf-8")).encode("utf-8"))  # fmt: skip
        for relative in repo.tests:
            draft.hide(relative, (work / relative).read_bytes())
        verify = {"command": repo.command, "python_path": repo.python_path,
                  "timeout_s": verifier_timeout_s - 10,
                  "groups": {"failing": failing, "suite": repo.passing}}  # fmt: skip
        metadata = {
            "source": KIND, "cluster": repo.name, "repo": repo.name, "file": mutation.path,
            "line": mutation.line, "mutation": mutation.kind, "function": mutation.function,
            "seed": seed, "failing_tests": len(failing), "suite_tests": len(repo.passing),
            "runner": repo.runner,
            "test_cmd": suite_command(repo),
        }  # fmt: skip
        draft.write(instruction(repo, failing), metadata, verify, {mutation.path: original},
                    agent_timeout_s, verifier_timeout_s)  # fmt: skip
    except BaseException:
        draft.discard()
        raise
    return draft.finish(force, verifier_timeout_s)


def import_mutate(
    source: Path,
    dest: Path,
    count: int = 10,
    seed: int = 0,
    test_cmd: str | None = None,
    max_failing: int = 5,
    only: tuple[str, ...] = (),
    max_tries: int | None = None,
    timeout_s: float = 600.0,
    name: str | None = None,
    force: bool = False,
    agent_timeout_s: float = 600.0,
    progress: Progress | None = None,
) -> ImportReport:
    start = time.monotonic()
    if not source.is_dir():
        raise SourceError(f"{source} is not a folder")
    prepare_dest(dest)
    report = ImportReport(KIND, str(dest))
    with tempfile.TemporaryDirectory(prefix="reins-mutate-") as scratch:
        work = Path(scratch)
        if progress:
            progress(0, count, "running the test suite (baseline)")
        repo = survey(source, work, test_cmd, only, timeout_s, name)
        if repo.excluded:
            report.notes.append(
                f"{len(repo.excluded)} tests fail or flip before any mutation; they are left "
                "out of every task: " + ", ".join(repo.excluded[:10])
            )
        ordered = candidates(work, repo, seed)
        limit = max_tries if max_tries is not None else max(50, count * 20)
        run_timeout = max(15.0, repo.baseline_s * 3 + 10)
        outcomes: Counter[str] = Counter()
        used: set[tuple[str, str]] = set()
        kinds: Counter[str] = Counter()
        sources: dict[str, str] = {}
        tries = existing = 0
        for mutation in ordered:
            if len(report.imported) >= count or tries >= limit:
                break
            if (mutation.path, mutation.function) in used:
                continue
            name = f"{repo.name}-{mutation.key}"
            if not force and (dest / name).is_dir():  # made by an earlier run: resume
                existing += 1
                used.add((mutation.path, mutation.function))
                report.imported.append(name)
                continue
            if mutation.path not in sources:
                sources[mutation.path] = (work / mutation.path).read_text("utf-8")
            if not changes(mutation, sources[mutation.path]):
                outcomes["not a valid change"] += 1
                continue
            tries += 1
            if progress:
                progress(
                    len(report.imported), count, f"try {tries}: {mutation.path}:{mutation.line}"
                )
            failing, why = failing_after(repo, work, mutation, max_failing, run_timeout)
            if failing is None:
                outcomes[why] += 1
                continue
            if not failing:
                outcomes["no test failed"] += 1
                continue
            if len(failing) > max_failing:
                outcomes[f"more than {max_failing} tests failed"] += 1
                continue
            problem = write_task(repo, work, dest, mutation, failing, seed, force, agent_timeout_s)
            if problem:
                report.drop(name, f"{mutation.description}: {problem}")
                outcomes["dropped"] += 1
                continue
            outcomes["kept"] += 1
            used.add((mutation.path, mutation.function))
            kinds[mutation.kind] += 1
            report.imported.append(name)
        if progress:
            progress(len(report.imported), count, "done")
    if existing:
        report.notes.append(
            f"{existing} of these tasks were in {dest} already and were kept "
            "as they are (--force makes them again)"
        )
    if len(report.imported) < count:
        report.notes.append(
            f"made {len(report.imported)} of {count} tasks in {tries} tries "
            f"({len(ordered)} candidate mutations); raise --max-tries or --max-failing"
            + ("; no mutation made a test fail: do the tests import this copy of the code "
               "(not an installed one)?" if not outcomes["kept"] and outcomes["no test failed"] == tries
               else "")
        )  # fmt: skip
    report.details = {
        "repo": repo.name, "runner": repo.runner, "command": repo.command,
        "tests": len(repo.passing), "excluded_tests": len(repo.excluded),
        "baseline_s": repo.baseline_s, "candidates": len(ordered), "tries": tries,
        "outcomes": dict(outcomes), "seed": seed,
        "kinds": dict(kinds),
    }  # fmt: skip
    tidy(dest)
    report.seconds = round(time.monotonic() - start, 1)
    return report
