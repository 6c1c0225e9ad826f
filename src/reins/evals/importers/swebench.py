"""`reins tasks import swebench SRC.jsonl DEST --repos DIR`: SWE-bench-style instances as
tasks, against local clones (DIR/owner__name, or --repo PATH for all).

Each JSONL line has instance_id, repo, base_commit, patch, test_patch, FAIL_TO_PASS,
PASS_TO_PASS (JSON strings or lists) and problem_statement. Each becomes a task:

- workspace: the repository at base_commit (checked out of the clone's object store with
  a private index: the clone's work tree and HEAD are not touched; no .git is copied);
- instruction.md: the problem statement;
- tests/: the test patch (test.patch) and the files it produces (restored over the
  workspace before grading, the files it deletes removed), then the named tests run:
  reward 1 only if every FAIL_TO_PASS test passes and no PASS_TO_PASS test breaks, with
  the fraction of each recorded;
- solution/solve.sh: writes the files `patch` produces (patch.diff beside it, to read).

The test command is --test-cmd (a template: {tests} the test ids, {files} their files,
shell-quoted), or by default pytest on the tests' files when the ids look like pytest
node ids, else `python3 -m unittest` on the ids. Each task is checked at import unless
--no-check: the tests need the repository's dependencies on the machine.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reins.evals.importers import runtime
from reins.evals.importers.common import (
    ImportReport,
    Progress,
    SourceError,
    TaskDraft,
    copy_tree,
    parallel_map,
    prepare_dest,
    safe_name,
    select_only,
    tidy,
)

KIND = "swebench"
DEFAULT_VERIFIER_TIMEOUT_S = 900.0
PYTEST_COMMAND = "python3 -m pytest -rA -p no:cacheprovider --rootdir=. {files}"
UNITTEST_COMMAND = "python3 -m unittest -v {tests}"
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true"}


@dataclass(frozen=True)
class Instance:
    instance_id: str
    repo: str
    base_commit: str
    patch: str
    test_patch: str
    fail_to_pass: tuple[str, ...]
    pass_to_pass: tuple[str, ...]
    problem_statement: str
    extra: dict[str, Any]

    @property
    def name(self) -> str:
        return safe_name(self.instance_id)


def _id_list(value: Any, field: str, instance: str) -> tuple[str, ...]:
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except ValueError as error:
            raise SourceError(f"{instance}: {field} is not a JSON list ({error})") from error
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SourceError(f"{instance}: {field} must be a list of test ids")
    return tuple(value)


def read_instances(source: Path) -> list[Instance]:
    if not source.is_file():
        raise SourceError(f"{source} is not a file (a JSONL of SWE-bench instances)")
    instances = []
    for number, line in enumerate(source.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as error:
            raise SourceError(f"{source}:{number}: not JSON ({error})") from error
        missing = [k for k in ("instance_id", "repo", "base_commit", "patch", "test_patch",
                               "FAIL_TO_PASS") if not data.get(k)]  # fmt: skip
        if missing:
            raise SourceError(f"{source}:{number}: missing {', '.join(missing)}")
        iid = str(data["instance_id"])
        known = {"instance_id", "repo", "base_commit", "patch", "test_patch", "FAIL_TO_PASS",
                 "PASS_TO_PASS", "problem_statement"}  # fmt: skip
        instances.append(Instance(
            iid, str(data["repo"]), str(data["base_commit"]), data["patch"], data["test_patch"],
            _id_list(data["FAIL_TO_PASS"], "FAIL_TO_PASS", iid),
            _id_list(data.get("PASS_TO_PASS", []), "PASS_TO_PASS", iid),
            str(data.get("problem_statement") or ""),
            {k: v for k, v in data.items() if k not in known and isinstance(v, str | int | float)},
        ))  # fmt: skip
    if not instances:
        raise SourceError(f"{source} holds no instances")
    names = [i.name for i in instances]
    if len(set(names)) != len(names):
        raise SourceError(f"{source}: instance ids must be unique")
    return instances


def looks_like_pytest(test_ids: tuple[str, ...]) -> bool:
    return any("::" in t or t.split("[")[0].endswith(".py") for t in test_ids)


def build_test_command(template: str | None, test_ids: list[str]) -> str:
    if template is None:
        if looks_like_pytest(tuple(test_ids)):
            template = PYTEST_COMMAND
        else:
            template, test_ids = UNITTEST_COMMAND, [runtime.canonical(t) for t in test_ids]
    files = sorted({t.split("::")[0] for t in test_ids if "::" in t or t.endswith(".py")})
    return template.replace("{tests}", " ".join(shlex.quote(t) for t in test_ids)).replace(
        "{files}", " ".join(shlex.quote(f) for f in files)
    )


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, data: str | None = None):
    return subprocess.run(
        ["git", "-C", str(repo), *args], input=data, capture_output=True, text=True,
        env={**os.environ, **GIT_ENV, **(env or {})}, timeout=600,
    )  # fmt: skip


def export_commit(repo: Path, commit: str, target: Path) -> None:
    """The commit's files into `target`, through a private index: the clone's HEAD, index
    and work tree stay as they are."""
    if _git(repo, "cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        raise SourceError(f"{repo} has no commit {commit} (fetch it, or clone the full history)")
    with tempfile.TemporaryDirectory(prefix="reins-index-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        for args in (
            ("read-tree", commit),
            ("checkout-index", "-a", "-f", f"--prefix={target.resolve()}/"),
        ):
            done = _git(repo, *args, env=env)
            if done.returncode != 0:
                raise SourceError(f"git {args[0]} in {repo} failed: {done.stderr.strip()}")


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for dirpath, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            path = Path(dirpath) / name
            stat = path.lstat()
            found[path.relative_to(folder).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def patched_files(base: Path, patch: str, what: str) -> dict[str, bytes | None]:
    """The files `patch` writes (None: deletes) when applied to a copy of `base`."""
    with tempfile.TemporaryDirectory(prefix="reins-patch-") as scratch:
        work = Path(scratch) / "work"
        copy_tree(base, work)
        before = _snapshot(work)
        time.sleep(0.01)  # mtimes of rewritten files differ from the copies'
        done = subprocess.run(
            ["git", "apply", "--whitespace=nowarn", "-"], cwd=work, input=patch,
            capture_output=True, text=True, timeout=120,
            env={**os.environ, **GIT_ENV, "GIT_CEILING_DIRECTORIES": scratch},
        )  # fmt: skip
        if done.returncode != 0:
            raise SourceError(f"the {what} does not apply: {done.stderr.strip()[:500]}")
        after = _snapshot(work)
        changed: dict[str, bytes | None] = {p: None for p in before if p not in after}
        for path, stat in after.items():
            if before.get(path) != stat:
                changed[path] = (work / path).read_bytes()
        return changed


def instruction(instance: Instance) -> str:
    statement = instance.problem_statement.strip() or "(no problem statement was given)"
    return (
        f"# {instance.instance_id}\n\n{statement}\n\n## Your task\n\n"
        "The repository is in the current directory, at the commit where the issue above "
        "was reported. Change the code so that the issue is resolved. Tests that check the "
        "fix will be run afterwards; do not change the existing tests.\n"
    )


def clone_of(instance: Instance, repos: Path | None, repo: Path | None) -> Path:
    path = repo if repo is not None else repos / instance.repo.replace("/", "__")  # type: ignore[operator]
    bare = (path / "HEAD").is_file() and (path / "objects").is_dir()
    if not ((path / ".git").exists() or bare):
        raise SourceError(f"{instance.instance_id}: no git clone of {instance.repo} at {path}")
    return path


def import_instance(
    instance: Instance, dest: Path, repos: Path | None, repo: Path | None,
    template: str | None, check: bool, force: bool, agent_timeout_s: float,
    verifier_timeout_s: float,
) -> str | None:  # fmt: skip
    """Write DEST/<instance_id>; returns why it was dropped, or None."""
    draft = None
    try:
        clone = clone_of(instance, repos, repo)
        draft = TaskDraft(dest, instance.name, KIND, force)
        export_commit(clone, instance.base_commit, draft.workspace)
        hidden = patched_files(draft.workspace, instance.test_patch, "test patch")
        solution = patched_files(draft.workspace, instance.patch, "patch")
        for relative, data in hidden.items():
            if data is not None:
                draft.hide(relative, data)
        (draft.tests / "test.patch").write_text(instance.test_patch, "utf-8")
        test_ids = [*instance.fail_to_pass, *instance.pass_to_pass]
        groups = {"fail_to_pass": list(instance.fail_to_pass),
                  "pass_to_pass": list(instance.pass_to_pass)}  # fmt: skip
        verify = {
            "command": build_test_command(template, test_ids),
            "timeout_s": max(30.0, verifier_timeout_s - 30),
            "remove": sorted(p for p, d in hidden.items() if d is None),
            "groups": groups,
        }
        metadata = {"source": KIND, "cluster": instance.repo, "instance_id": instance.instance_id,
                    "repo": instance.repo, "base_commit": instance.base_commit,
                    **{k: v for k, v in instance.extra.items()
                       if k in ("version", "created_at", "environment_setup_commit")}}  # fmt: skip
        draft.write(instruction(instance), metadata, verify, solution, agent_timeout_s,
                    verifier_timeout_s, {"patch.diff": instance.patch.encode()})  # fmt: skip
    except (SourceError, FileExistsError) as error:
        if draft is not None:
            draft.discard()
        return str(error)
    except BaseException:
        if draft is not None:
            draft.discard()
        raise
    return draft.finish(force, verifier_timeout_s if check else None)
    return None


def import_swebench(
    source: Path,
    dest: Path,
    repos: Path | None = None,
    repo: Path | None = None,
    test_cmd: str | None = None,
    only: tuple[str, ...] = (),
    check: bool = True,
    force: bool = False,
    jobs: int = 1,
    agent_timeout_s: float = 1800.0,
    verifier_timeout_s: float = DEFAULT_VERIFIER_TIMEOUT_S,
    progress: Progress | None = None,
) -> ImportReport:
    start = time.monotonic()
    if (repos is None) == (repo is None):
        raise SourceError("give either --repos DIR (clones as DIR/owner__name) or --repo PATH")
    instances = select_only(read_instances(source), only, lambda i: i.instance_id, "instance",
                            source)  # fmt: skip
    prepare_dest(dest)
    report = ImportReport(KIND, str(dest))
    problems = parallel_map(
        instances,
        lambda i: import_instance(i, dest, repos, repo, test_cmd, check, force,
                                  agent_timeout_s, verifier_timeout_s),
        jobs, progress, label=lambda i: i.instance_id,
    )  # fmt: skip
    for instance, problem in zip(instances, problems, strict=True):
        if problem:
            report.drop(instance.instance_id, problem)
        else:
            report.imported.append(instance.name)
    if not check:
        report.notes.append("not checked (--no-check): run the oracle before trusting them")
    report.details = {"instances": len(instances)}
    tidy(dest)
    report.seconds = round(time.monotonic() - start, 1)
    return report
