"""The first failing test of a run, read from real unittest and pytest output."""

from __future__ import annotations

import subprocess
import sys

from reins.agent.failing_test import failing_tests, first_failing, render

CODE = "def double(x):\n    return x + 2\n"
# in file order the simplest case fails first; unittest reports errors, then failures by name
TESTS = """import unittest
from util import double


class T(unittest.TestCase):
    def test_zero(self):
        self.assertEqual(double(0), 0)

    def test_big(self):
        self.assertEqual(double(10), 20)

    def test_two(self):
        self.assertEqual(double(2), 4)

    def test_none(self):
        double(None) + 1
"""


def run(tmp_path, *args):
    (tmp_path / "util.py").write_text(CODE)
    (tmp_path / "test_util.py").write_text(TESTS)
    done = subprocess.run([sys.executable, "-m", *args], cwd=tmp_path, capture_output=True,
                          text=True, check=False)  # fmt: skip
    return done.stdout + done.stderr


def reader(tmp_path):
    root = f"{tmp_path}/"
    return lambda path: (tmp_path / path.removeprefix(root)).read_text()


def test_unittest_failures_are_read_with_their_place_and_the_first_in_file_order_wins(tmp_path):
    output = run(tmp_path, "unittest", "test_util")
    tests = failing_tests(output)
    assert sorted(t.name for t in tests) == ["test_big", "test_none", "test_zero"]
    assert tests[0].name != "test_zero"  # errors first, then failures by name
    first = first_failing(output, reader(tmp_path))
    assert first.name == "test_zero" and first.line == 7
    assert first.source == "    def test_zero(self):\n        self.assertEqual(double(0), 0)"
    assert first.failure.rstrip().endswith("AssertionError: 2 != 0")
    assert "test_big" not in first.failure  # its own block only
    assert first.others == 2
    shown = render(first, "python3 -m unittest test_util")
    assert shown.startswith(
        "The first failing test of `python3 -m unittest test_util` is test_zero "
        "(in test_util.py); 2 other test(s) fail too."
    )
    assert "Its source:\n```python\n    def test_zero(self):" in shown


def test_pytest_failures_are_read_and_the_source_is_not_shown_twice(tmp_path):
    output = run(tmp_path, "pytest", "-q", "-p", "no:cacheprovider", "test_util.py")
    first = first_failing(output, reader(tmp_path))
    assert first is not None and first.name == "test_zero"
    assert (first.path, first.line) == ("test_util.py", 7)
    shown = render(first, "pytest -q")
    assert "Its source" not in shown  # pytest's block already holds it
    assert "AssertionError: 2 != 0" in shown


def test_a_run_with_no_test_placed_in_a_file_gives_no_focus(tmp_path):
    (tmp_path / "test_util.py").write_text("import unittest\nfrom util import nothing\n")
    (tmp_path / "util.py").write_text("")
    done = subprocess.run([sys.executable, "-m", "unittest", "test_util"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert "ImportError" in done.stderr
    assert first_failing(done.stderr, reader(tmp_path)) is None
    assert first_failing("Traceback ...\nValueError: x\n", reader(tmp_path)) is None


def test_a_long_failure_keeps_its_end(tmp_path):
    output = run(tmp_path, "unittest", "test_util")
    first = first_failing(output, reader(tmp_path))
    first.failure = "x" * 5000 + "\nAssertionError: the end"
    first.others = 0
    shown = render(first, "t")
    assert "AssertionError: the end" in shown and len(shown) < 1600
    assert "other test(s)" not in shown
