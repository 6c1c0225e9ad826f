"""What the attached tests use from the module the agent writes (profile test_api)."""

from reins.agent.api_from_tests import api_from_tests, api_section
from reins.agent.store_writer import load_history
from tests.unit.test_session import open_scripted

ROBOT_TESTS = """
import unittest
from robot import Robot, NORTH, EAST


class RobotTest(unittest.TestCase):
    def test_turns(self):
        robot = Robot(NORTH, 0, 0)
        robot.move("R")
        self.assertEqual(robot.coordinates, (0, 0))
        self.assertEqual(robot.direction, EAST)

    def test_bad_move(self):
        robot = Robot(NORTH, 0, 0)
        with self.assertRaises(ValueError) as err:
            robot.move("X")
        self.assertEqual(err.exception.args[0], "unknown instruction")
"""


def test_calls_keywords_methods_attributes_and_expected_errors_are_listed():
    section = api_from_tests("robot.py", {"robot_test.py": ROBOT_TESTS})
    assert section.startswith("\n\n# What the tests use from robot.py")
    lines = section.strip().splitlines()[1:]
    assert lines[0] == (
        '- `Robot`: called as `Robot(NORTH, 0, 0)`; methods called on it: `.move("R")`; '
        "attributes read (not called): `.coordinates`, `.direction`; raises "
        "ValueError('unknown instruction') for `robot.move(\"X\")`"
    )
    assert lines[1] == "- also imported: `NORTH`, `EAST`"


def test_a_chained_call_a_keyword_and_pytest_raises_are_read():
    tests = """
import pytest
import space as sp


def test_age():
    assert sp.SpaceAge(10).on_earth() == 1


def test_greeting():
    assert sp.greet("x", loud=True) == "X"
    with pytest.raises(TypeError) as info:
        sp.greet()
    assert str(info.value) == "name needed"
"""
    lines = api_from_tests("pkg/space.py", {"test_space.py": tests}).strip().splitlines()[1:]
    assert lines == [
        "- `SpaceAge`: called as `sp.SpaceAge(10)`; methods called on it: `.on_earth()`",
        '- `greet`: called as `sp.greet("x", loud=True)`; keywords `loud=`; raises '
        "TypeError('name needed') for `sp.greet()`",
    ]


def test_nothing_is_said_when_no_test_imports_the_module_or_a_test_does_not_parse():
    assert api_from_tests("robot.py", {"other_test.py": "from other import Robot\nRobot()\n"}) == ""
    assert api_from_tests("robot.py", {"robot_test.py": "from robot import (\n"}) == ""


async def test_the_section_ends_the_request_when_the_profile_asks(repo, store, tmp_path):
    (repo / "robot.py").write_text("class Robot:\n    pass\n")
    (repo / "robot_test.py").write_text(ROBOT_TESTS)
    request = "Write `robot.py`; the tests are in `robot_test.py`."
    shown = []
    for on in (True, False):
        session = open_scripted(repo, store, tmp_path, [{"content": "ok"}],
                                profiles={"default": {"attach_files_kb": 16, "test_api": on}})  # fmt: skip
        outcome = await session.run(request)
        shown.append(
            [m.content for m in load_history(store, outcome.session_id) if m.role == "user"][0]
        )
    assert shown[0].endswith("- also imported: `NORTH`, `EAST`")
    assert "## robot_test.py" in shown[0] and shown[0].index("## robot_test.py") < shown[0].index(
        "# What the tests use from robot.py"
    )
    assert "What the tests use" not in shown[1]


def test_no_section_without_attached_tests(ctx):
    assert api_section(["robot.py"], ctx) == ""


def test_objects_made_in_setup_and_each_errors_own_message():
    tests = """
import unittest
from .robot import Robot


class T(unittest.TestCase):
    def setUp(self):
        self.robot = Robot(1)
        self.robot.speed = 3

    def test_errors(self):
        self.assertRaises(ValueError, self.robot.move, "X")
        with self.assertRaises(ValueError) as err:
            self.robot.move(-1)
        with self.assertRaises(ValueError) as err:
            self.robot.move(-2)
        self.assertEqual(err.exception.args[0], "must be int")
"""
    lines = api_from_tests("robot.py", {"test_robot.py": tests}).strip().splitlines()[1:]
    # the store (`.speed = 3`) is not a read; `.move` passed uncalled is still a method;
    # the message belongs to the second check only
    assert lines == [
        "- `Robot`: called as `Robot(1)`; methods called on it: `.move(-1)`; raises "
        "ValueError for `self.robot.move(-1)`; ValueError('must be int') for "
        "`self.robot.move(-2)`"
    ]


def test_a_large_test_file_is_skipped():
    tests = "from m import f\n" + "def test_x():\n    assert f(1) == 1\n" * 4000
    assert api_from_tests("m.py", {"test_m.py": tests}) == ""
