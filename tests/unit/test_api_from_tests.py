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
        "- `Robot`: called as `Robot(NORTH, 0, 0)`; methods called on it: `.move(\"R\")`; "
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
