"""How much of a test run passed, read from pytest's or unittest's summary line."""

from __future__ import annotations

import re

PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|error|errors)\b")
UNITTEST_RAN = re.compile(r"^Ran (\d+) tests?", re.M)
UNITTEST_FAILED = re.compile(r"FAILED \(([^)]*)\)")


def test_counts(output: str) -> tuple[int, int] | None:
    """(tests passed, tests run) from pytest's or unittest's summary; None when the output
    has neither."""
    counts = {"passed": 0, "failed": 0, "error": 0}
    for number, kind in PYTEST_COUNTS.findall(output):
        counts["error" if kind.startswith("error") else kind] += int(number)
    total = sum(counts.values())
    if total:
        return counts["passed"], total
    ran = UNITTEST_RAN.search(output)
    if ran and int(ran.group(1)):
        failed = UNITTEST_FAILED.search(output)
        said = failed.group(1) if failed else ""  # skipped and expected failures are fine
        bad = sum(
            int(n) for n in re.findall(r"\b(?:failures|errors|unexpected successes)=(\d+)", said)
        )
        return max(0, int(ran.group(1)) - bad), int(ran.group(1))
    return None


def visible_score(exit_code: int, output: str) -> float:
    """Fraction of tests passed, from pytest's or unittest's summary; 1.0 for exit 0."""
    if exit_code == 0:
        return 1.0
    counts = test_counts(output)
    return counts[0] / counts[1] if counts else 0.0


def said_score(exit_code: int, output: str) -> str:
    """How much of a run passed, in words: "815 of 817 tests passed"; a run with no
    summary (an import error, a crash, a missing command) says so."""
    counts = test_counts(output)
    if counts is not None:
        return f"{counts[0]} of {counts[1]} tests passed"
    return "all tests passed" if exit_code == 0 else "no test summary (the run failed)"
