"""One failing test to look at, instead of a whole failing run: the first failing test in
the test file's own order, its source and its failure.

Seen on the with-tests Exercism suites: after a failing run the embedded model was shown
the run's first 1,400 and last 500 characters (unittest's failures in alphabetical order,
several of them cut off mid-traceback), and wrote back the very version that failed, at
temperature 0.8 too. A test file lists its cases from the simplest up, so the first one
that fails is the smallest thing to fix, and its source holds the input the code got.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from reins.agent.excerpts import DEFS, first_line, parse_python

# unittest: `FAIL: test_x (module.Class.test_x)`, `ERROR: test_x (module.Class)`
UNITTEST_HEAD = re.compile(r"^(?:FAIL|ERROR): (\w+) \([\w.]+\)", re.M)
UNITTEST_END = re.compile(r"^(?:={20,}|-{20,}\nRan \d+ tests?)", re.M)
# pytest: `____ TestClass.test_x ____` or `____ test_x[param] ____`
PYTEST_HEAD = re.compile(r"^_{3,} ((?:\w+\.)?(\w+)(?:\[[^\]\n]*\])?) _{3,}$", re.M)
PYTEST_END = re.compile(r"^(?:_{3,} .* _{3,}|={3,} .* ={3,})$", re.M)
FRAME = re.compile(r'File "([^"\n]+)", line (\d+), in (\w+)')  # a Python traceback's frame
PYTEST_REF = re.compile(r"^([\w./-]+\.py):(\d+):(?: |$)", re.M)  # pytest's `path.py:12: Error`
MAX_FAILURE = 1200  # characters of one failure shown
MAX_SOURCE = 60  # lines of one test's source shown


@dataclass
class FailingTest:
    name: str
    failure: str  # the run's block for this test
    path: str | None = None  # the test file, as the run names it
    line: int = 0  # a line of the test in it (0: not found)
    source: str = ""  # the test function's source, when the file could be read
    others: int = 0  # the run's other failing tests


def failing_tests(output: str) -> list[FailingTest]:
    """The failing tests a unittest or pytest run reports, each with its block."""
    found = _blocks(output, UNITTEST_HEAD, UNITTEST_END, group=1)
    if not found:
        found = _blocks(output, PYTEST_HEAD, PYTEST_END, group=2)
    for test in found:
        test.path, test.line = _where(test)
    return found


def first_failing(output: str, read: Callable[[str], str]) -> FailingTest | None:
    """The failing test that comes first in its file, with its source read through
    `read` (which returns "" for a missing file); None when no failing test is placed in a
    file (a module that failed to import: the whole output says more)."""
    tests = failing_tests(output)
    placed = [t for t in tests if t.path and t.line]
    if not placed:
        return None
    first = min(placed, key=lambda t: (t.path or "", t.line))
    first.others = len(tests) - 1
    first.source = function_source(read(first.path or ""), first.name, first.line)
    return first


def function_source(source: str, name: str, line: int) -> str:
    """The source of the function `name` (the one around `line` when several are)."""
    tree = parse_python(source)
    if tree is None:
        return ""
    defs = [n for n in ast.walk(tree) if isinstance(n, DEFS) and n.name == name]
    around = [n for n in defs if n.lineno <= line <= (n.end_lineno or n.lineno)]
    node = (around or defs or [None])[0]
    if node is None:
        return ""
    lines = source.splitlines()[first_line(node) - 1 : node.end_lineno]
    if len(lines) > MAX_SOURCE:
        lines = lines[:MAX_SOURCE] + ["    # ..."]
    return "\n".join(lines)


def render(test: FailingTest, command: str) -> str:
    """The note shown for one failing test, with how many others fail."""
    failure = test.failure.strip()
    if len(failure) > MAX_FAILURE:  # the end says what went wrong: keep it
        failure = f"[…]\n{failure[-MAX_FAILURE:]}"
    where = f" (in {test.path.rsplit('/', 1)[-1]})" if test.path else ""
    also = f"; {test.others} other test(s) fail too" if test.others else ""
    parts = [f"The first failing test of `{command}` is {test.name}{where}{also}."]
    if test.source and test.source.splitlines()[0].strip() not in failure:  # pytest shows it
        parts.append(f"Its source:\n```python\n{test.source}\n```")
    parts.append(f"It failed with:\n```\n{failure}\n```")
    return "\n".join(parts)


def _blocks(
    output: str, head: re.Pattern[str], end: re.Pattern[str], group: int
) -> list[FailingTest]:
    found: list[FailingTest] = []
    heads = list(head.finditer(output))
    for match in heads:
        stop = end.search(output, match.end())
        body = output[match.end() : stop.start() if stop else len(output)]
        body = re.sub(r"^-{20,}\n", "", body.lstrip("\n"))  # unittest's rule under the head
        found.append(FailingTest(match.group(group), body.rstrip()))
    return found


def _where(test: FailingTest) -> tuple[str | None, int]:
    """The test file and a line of the test in it, from the block's traceback."""
    for path, line, function in FRAME.findall(test.failure):
        if function == test.name:
            return path, int(line)
    refs = PYTEST_REF.findall(test.failure)  # pytest: the test's own line comes first
    return (refs[0][0], int(refs[0][1])) if refs else (None, 0)
