"""`reins tasks import exercism SRC DEST`: Exercism exercises (the exercism/python layout)
as tasks.

An exercise folder holds `.meta/config.json` naming its files ("solution": the stubs the
student edits, "test": the tests and their helpers, "example": the reference solution,
"editor": read-only helpers the student gets), `.docs/` (introduction.md,
instructions.md, instructions.append.md) and the files themselves. Each becomes a task:

- workspace: the stubs and editor files (and, with --with-tests, the tests); files the
  config does not name (a test_utils.py) go with the tests if their name says test,
  else with the workspace;
- instruction.md: the exercise's docs, then which file to write and how it is checked;
- tests/: the test files (restored over the workspace before grading, so an edited copy
  does not count), run with `python3 -m unittest`; reward 1 only if every test that the
  reference solution passes also passes, with the fraction recorded;
- solution/solve.sh: writes .meta/example.py (and any other example) over the stubs.

An exercise is dropped, with the reason in the report, when its reference solution does
not pass its own tests, or when its untouched stub already does.
"""

from __future__ import annotations

import json
import math
import re
import shlex
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from reins.evals.importers import runtime
from reins.evals.importers.common import (
    ImportReport,
    Progress,
    SourceError,
    TaskDraft,
    copy_tree,
    parallel_map,
    prepare_dest,
    select_only,
    tidy,
    write_file,
)

KIND = "exercism"
EXAMPLE_TIMEOUT_S = 300.0
DOCS = ("introduction.md", "instructions.md", "instructions.append.md")
TESTS_IN = re.compile(r"TestCase\b|^\s*def test_", re.M)


@dataclass(frozen=True)
class Exercise:
    slug: str
    path: Path
    solution: tuple[str, ...]  # the stubs, relative to the exercise
    tests: tuple[str, ...]
    examples: tuple[str, ...]
    editor: tuple[str, ...]  # given to the student, restored before grading
    blurb: str = ""

    @property
    def test_modules(self) -> list[str]:
        """The test files that hold tests (not helpers such as test_utils.py)."""
        modules = [t for t in self.tests if t.endswith(".py")]
        holding = [t for t in modules if TESTS_IN.search((self.path / t).read_text("utf-8"))]
        return [Path(t).with_suffix("").as_posix().replace("/", ".") for t in holding or modules]

    @property
    def command(self) -> str:
        return "python3 -m unittest " + " ".join(shlex.quote(m) for m in self.test_modules)


def find_exercises(source: Path) -> list[Path]:
    if (source / ".meta" / "config.json").is_file():
        return [source]
    if not source.is_dir():
        raise SourceError(f"{source} is not a folder")
    found = sorted(p for p in source.iterdir() if (p / ".meta" / "config.json").is_file())
    if not found:
        raise SourceError(f"{source} holds no Exercism exercises (folders with .meta/config.json)")
    return found


def read_exercise(path: Path) -> Exercise:
    """The exercise's files as its config names them; unnamed files are sorted in."""
    try:
        config = json.loads((path / ".meta" / "config.json").read_text("utf-8"))
        files = config["files"]
        solution, tests = list(files["solution"]), list(files["test"])
        examples, editor = list(files.get("example", [])), list(files.get("editor", []))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SourceError(f"{path.name}: unreadable .meta/config.json ({error})") from error
    named = {*solution, *tests, *examples, *editor, *files.get("invalidator", [])}
    for file in sorted(path.rglob("*")):
        relative = file.relative_to(path).as_posix()
        if not file.is_file() or relative in named or relative.split("/")[0].startswith("."):
            continue
        (tests if "test" in file.name else editor).append(relative)
    missing = [f for f in [*solution, *tests, *examples, *editor] if not (path / f).is_file()]
    if missing:
        raise SourceError(f"{path.name}: files named in .meta/config.json are missing: "
                          + ", ".join(missing))  # fmt: skip
    if not solution or not examples or not tests:
        raise SourceError(f"{path.name}: the config names no solution, example or test file")
    return Exercise(path.name, path, tuple(solution), tuple(tests), tuple(examples),
                    tuple(editor), str(config.get("blurb", "")))  # fmt: skip


def example_files(exercise: Exercise) -> dict[str, bytes]:
    """Each stub with the reference solution's content: matched by name, else in order."""
    by_name = {Path(e).name: e for e in exercise.examples}
    result = {}
    for index, stub in enumerate(exercise.solution):
        example = by_name.get(Path(stub).name)
        if example is None and index < len(exercise.examples):
            example = exercise.examples[index]
        if example is not None:
            result[stub] = (exercise.path / example).read_bytes()
    return result


def _demote(markdown: str) -> str:
    """Headings one level down (the task has its own title), code blocks untouched."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        out.append("#" + line if not fenced and re.match(r"#{1,5} ", line) else line)
    return "\n".join(out).strip()


def instruction(exercise: Exercise, with_tests: bool) -> str:
    title = exercise.slug.replace("-", " ").title()
    parts = [f"# {title}"]
    for doc in DOCS:
        file = exercise.path / ".docs" / doc
        if file.is_file():
            parts.append(_demote(file.read_text("utf-8")))
    stubs = ", ".join(f"`{s}`" for s in exercise.solution)
    modules = ", ".join(f"`{Path(s).stem}`" for s in exercise.solution if s.endswith(".py"))
    task = [
        "## Your task",
        f"Write your solution in {stubs} (in the current directory). Keep the names the "
        "stub defines: the tests import them. Use only the Python standard library.",
    ]
    if with_tests:
        tests = ", ".join(f"`{t}`" for t in exercise.tests)
        task.append(
            f"The tests are in {tests}; run them with `{exercise.command}`. Make them all "
            "pass. They are restored before grading, so changing them does not help."
        )
    else:
        task.append(
            f"Hidden unit tests (unittest) will import {modules} and check every case "
            "described above; the task is solved when all of them pass."
        )
    parts.append("\n\n".join(task))
    return "\n\n".join(parts) + "\n"


def _passing_tests(exercise: Exercise) -> tuple[list[str], str | None, float]:
    """The tests the reference solution passes, or why it does not pass them all."""
    with tempfile.TemporaryDirectory(prefix="reins-exercism-") as scratch:
        work = Path(scratch)
        for relative in {*exercise.tests, *exercise.editor}:
            write_file(work / relative, (exercise.path / relative).read_bytes())
        for stub, data in example_files(exercise).items():
            write_file(work / stub, data)
        run = runtime.run_tests(exercise.command, str(work), EXAMPLE_TIMEOUT_S)
    outcomes = run["outcomes"]
    failing = sorted(t for t, o in outcomes.items() if o in ("failed", "error"))
    if run["timed_out"]:
        return [], f"its tests ran past {EXAMPLE_TIMEOUT_S:g} s on the reference solution", 0
    if failing:
        return [], ("the reference solution (.meta/example.py) fails its own tests: "
                    + ", ".join(failing[:5])), 0  # fmt: skip
    passed = sorted(t for t, o in outcomes.items() if o in runtime.PASSING)
    if not passed:
        tail = run["output"].strip().splitlines()[-3:]
        return [], "no test ran on the reference solution: " + " | ".join(tail), 0
    return passed, None, run["seconds"]


def import_exercise(
    path: Path, dest: Path, with_tests: bool, force: bool, agent_timeout_s: float
) -> str | None:
    """Write DEST/<slug>; returns why it was dropped, or None."""
    try:
        exercise = read_exercise(path)
    except SourceError as error:
        return str(error)
    passed, problem, seconds = _passing_tests(exercise)
    if problem:
        return problem
    verifier_timeout_s = float(max(60, math.ceil(seconds * 5) + 30))
    try:
        draft = TaskDraft(dest, exercise.slug, KIND, force)
    except FileExistsError as error:
        return str(error)
    try:
        given = [*exercise.solution, *exercise.editor, *(exercise.tests if with_tests else ())]
        copy_tree(exercise.path, draft.workspace,
                  skip=lambda rel: not any(g == rel or g.startswith(rel + "/") for g in given))  # fmt: skip
        for relative in [*exercise.tests, *exercise.editor]:
            draft.hide(relative, (exercise.path / relative).read_bytes())
        metadata = {
            "source": KIND, "cluster": KIND, "track": "python", "exercise": exercise.slug,
            "blurb": exercise.blurb or None, "with_tests": with_tests,
            # what a peer that runs tests itself is given (aider --test-cmd)
            "test_cmd": exercise.command if with_tests else None,
        }  # fmt: skip
        verify = {"command": exercise.command, "timeout_s": verifier_timeout_s - 10,
                  "groups": {"tests": passed}}  # fmt: skip
        draft.write(instruction(exercise, with_tests), metadata, verify,
                    example_files(exercise), agent_timeout_s, verifier_timeout_s)  # fmt: skip
    except BaseException:
        draft.discard()
        raise
    return draft.finish(force, verifier_timeout_s)


def import_exercism(
    source: Path,
    dest: Path,
    with_tests: bool = False,
    only: tuple[str, ...] = (),
    force: bool = False,
    jobs: int = 1,
    agent_timeout_s: float = 600.0,
    progress: Progress | None = None,
) -> ImportReport:
    start = time.monotonic()
    exercises = select_only(find_exercises(source), only, lambda p: p.name, "exercise", source)
    prepare_dest(dest)
    report = ImportReport(KIND, str(dest))
    problems = parallel_map(
        exercises, lambda p: import_exercise(p, dest, with_tests, force, agent_timeout_s),
        jobs, progress, label=lambda p: p.name,
    )  # fmt: skip
    for path, problem in zip(exercises, problems, strict=True):
        if problem:
            report.drop(path.name, problem)
        else:
            report.imported.append(path.name)
    report.details = {"exercises": len(exercises), "with_tests": with_tests}
    tidy(dest)
    report.seconds = round(time.monotonic() - start, 1)
    return report
