"""How much of a test run passed, read from pytest's or unittest's summary line."""

from __future__ import annotations

import re

PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|error|errors)\b")
UNITTEST_RAN = re.compile(r"^Ran (\d+) tests?", re.M)
UNITTEST_FAILED = re.compile(r"FAILED \(([^)]*)\)")


def visible_score(exit_code: int, output: str) -> float:
    """Fraction of tests passed, from pytest's or unittest's summary; 1.0 for exit 0."""
    if exit_code == 0:
        return 1.0
    counts = {"passed": 0, "failed": 0, "error": 0}
    for number, kind in PYTEST_COUNTS.findall(output):
        counts["error" if kind.startswith("error") else kind] += int(number)
    total = sum(counts.values())
    if total:
        return counts["passed"] / total
    ran = UNITTEST_RAN.search(output)
    if ran and int(ran.group(1)):
        failed = UNITTEST_FAILED.search(output)
        bad = sum(int(n) for n in re.findall(r"=(\d+)", failed.group(1))) if failed else 0
        return max(0.0, 1 - bad / int(ran.group(1)))
    return 0.0
