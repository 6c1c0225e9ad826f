"""UndoRegressions (profile undo_regressions): an edit after which fewer of the request's
tests pass is undone and answered as taken back; one that loses nothing stays."""

from tests.unit.test_coding_rules import call
from tests.unit.test_edit_first import Answers
from tests.unit.test_session import open_scripted

CODE = (
    "def scale(xs, k):\n    return [x + k for x in xs]\n\n\n"
    "def double(x):\n    return x * 2\n\n\ndef triple(x):\n    return x * 3\n"
)
TESTS = (
    "import unittest\nfrom calc import scale, double, triple\n\n\nclass T(unittest.TestCase):\n"
    "    def test_scale(self):\n        self.assertEqual(scale([1, 2], 3), [3, 6])\n\n"
    "    def test_double(self):\n        self.assertEqual(double(2), 4)\n\n"
    "    def test_triple(self):\n        self.assertEqual(triple(2), 6)\n"
)
REQUEST = "The tests fail: run `python3 -m unittest -q test_calc` and fix the bug in calc.py."
ON = {"default": {"undo_regressions": True}}


def edit(old, new, **more):
    return call("edit_file", path="calc.py", old_string=old, new_string=new, **more)


# `return x * 2` and `* 3` -> `+ 2`, `+ 3` everywhere: two more tests fail
WIDE = edit(" * ", " + ", replace_all=True)
NO_WORSE = edit("[x + k for", "[x - k for")  # still fails, nothing more does
FIX = edit("[x - k for", "[x * k for")


def make_calc(repo):
    (repo / "calc.py").write_text(CODE)
    (repo / "test_calc.py").write_text(TESTS)


async def test_an_edit_that_makes_more_tests_fail_is_undone(repo, store, tmp_path):
    make_calc(repo)
    script = [WIDE, NO_WORSE, FIX, {"content": "done"}]
    session = open_scripted(repo, store, tmp_path, script, profiles=ON)
    answers = Answers(session)
    outcome = await session.run(REQUEST)
    assert outcome.status == "completed"
    assert answers.seen[0].startswith("undone: after this edit fewer of the tests of")
    assert (
        "tests of `python3 -m unittest -q test_calc` passed (1 of 3 tests passed; before it, 2 of 3"
        in answers.seen[0]
    )
    assert answers.seen[1].startswith("edited calc.py") and answers.seen[2].startswith("edited")
    assert (repo / "calc.py").read_text() == CODE.replace("[x + k for", "[x * k for")
    # each kept edit's run is shown with it: the model needs no step to run the tests
    results = "\n".join(m.content for m in session.history if m.role == "tool")
    assert "[reins ran `python3 -m unittest -q test_calc` after your edit: exit code 0]" in results


async def test_an_undone_edit_sent_again_is_a_repeated_failing_call(repo, store, tmp_path):
    make_calc(repo)
    session = open_scripted(repo, store, tmp_path, [WIDE] * 5, profiles=ON)
    outcome = await session.run(REQUEST)
    assert outcome.status == "error" and "repeated" in outcome.final_message
    assert (repo / "calc.py").read_text() == CODE


async def test_the_run_before_the_first_step_is_what_an_edit_is_measured_against(
    repo, store, tmp_path
):
    make_calc(repo)
    on = {"default": {"undo_regressions": True, "run_tests_first": True}}
    session = open_scripted(repo, store, tmp_path, [WIDE, {"content": "stop"}], profiles=on)
    answers = Answers(session)
    await session.run("The tests fail: run `python3 -m unittest -q test_calc` and fix the bug.")
    assert "before it, 2 of 3 tests passed" in answers.seen[0]
    assert (repo / "calc.py").read_text() == CODE


async def test_off_by_default_and_without_a_test_command(repo, store, tmp_path):
    make_calc(repo)
    session = open_scripted(repo, store, tmp_path, [WIDE, {"content": "done"}])
    await session.run(REQUEST)
    assert "return x + 2" in (repo / "calc.py").read_text()  # the default keeps the edit
    make_calc(repo)
    session = open_scripted(repo, store, tmp_path, [WIDE, {"content": "done"}], profiles=ON)
    await session.run("make calc.py add instead of multiply")  # no test command to run
    assert "return x + 2" in (repo / "calc.py").read_text()


GEOMETRY = "def area_rect(w, h):\n    return w * h\n"
MAIN = "from geometry import area_rect\n\nprint('total', area_rect(3, 4))\n"
RENAME = "Rename `area_rect` to `rectangle_area` everywhere. `python3 main.py` must still work."


def rename_steps(*callers):
    """The model's replies for the rename: the definition in geometry.py, then each caller."""
    return [
        call("edit_file", path="geometry.py", old_string="def area_rect(", new_string="def rectangle_area("),
        *(
            call("edit_file", path=f, old_string="area_rect", new_string="rectangle_area", replace_all=True)
            for f in callers
        ),
        {"content": "done"},
    ]  # fmt: skip


async def test_a_change_across_files_is_kept_while_the_run_fails_in_the_next_file(
    repo, store, tmp_path
):
    # Renaming the definition breaks main.py until main.py says the new name too: the
    # first step of the change, not a regression (shapes js-rename-export: undone 3 times).
    (repo / "geometry.py").write_text(GEOMETRY)
    (repo / "main.py").write_text(MAIN)
    script = rename_steps("main.py")
    session = open_scripted(repo, store, tmp_path, script, profiles=ON)
    answers = Answers(session)
    await session.run(RENAME)
    assert answers.seen[0].startswith("edited geometry.py")
    results = "\n".join(m.content for m in session.history if m.role == "tool")
    assert (
        "your edit is kept: the run now fails in main.py, which still uses `area_rect`" in results
    )
    assert "def rectangle_area(" in (repo / "geometry.py").read_text()
    assert "rectangle_area(3, 4)" in (repo / "main.py").read_text()


async def test_each_step_of_a_rename_is_kept_while_the_run_goes_through_the_file_edited(
    repo, store, tmp_path
):
    # main.py fixed, the run (through main.py) now fails in report.py: still the change
    (repo / "geometry.py").write_text(GEOMETRY)
    (repo / "report.py").write_text(
        "from geometry import area_rect\n\n\ndef describe():\n    return area_rect(1, 2)\n"
    )
    (repo / "main.py").write_text("from geometry import area_rect\nfrom report import describe\n"
                                  "\nprint(describe(), area_rect(3, 4))\n")  # fmt: skip
    script = rename_steps("main.py", "report.py")
    session = open_scripted(repo, store, tmp_path, script, profiles=ON)
    answers = Answers(session)
    await session.run(RENAME)
    assert [a.split(" ")[0] for a in answers.seen[:3]] == ["edited"] * 3, answers.seen
    results = "\n".join(m.content for m in session.history if m.role == "tool")
    assert "the run now fails in report.py, which still uses `area_rect`" in results
    assert "area_rect" not in "".join((repo / f).read_text() for f in ("main.py", "report.py"))


async def test_a_failure_in_a_file_the_request_keeps_or_in_the_edited_file_still_undoes(
    repo, store, tmp_path
):
    (repo / "geometry.py").write_text(GEOMETRY)
    (repo / "main.py").write_text(MAIN)
    rename = call("edit_file", path="geometry.py", old_string="def area_rect(", new_string="def rectangle_area(")  # fmt: skip
    session = open_scripted(repo, store, tmp_path, [rename, {"content": "x"}], profiles=ON)
    answers = Answers(session)
    await session.run("`python3 main.py` fails. Fix geometry.py; don't change main.py.")
    assert answers.seen[0].startswith("undone:")  # main.py is the person's to keep
    assert (repo / "geometry.py").read_text() == GEOMETRY
    # an edit that breaks its own file: the traceback passes through it, so it is undone
    broken = call("edit_file", path="geometry.py", old_string="    return w * h\n", new_string="    return w * h\n\n\nscale = 1 / 0\n")  # fmt: skip
    session = open_scripted(repo, store, tmp_path, [broken, {"content": "x"}], profiles=ON)
    answers = Answers(session)
    await session.run("Make `python3 main.py` print the area twice.")
    assert answers.seen[0].startswith("undone:")
    assert (repo / "geometry.py").read_text() == GEOMETRY


async def test_the_same_failure_after_four_edits_in_a_row_ends_the_turn(repo, store, tmp_path):
    # seen (shapes js-missing-author): `'?'` edited to 'X', 'Y', 'Z', … for the whole 180 s,
    # the same TypeError after each edit (only the quoted source line changed)
    make_calc(repo)
    swap, back = edit("return x * 2", "return 2 * x"), edit("return 2 * x", "return x * 2")
    script = [swap, back, swap, back, swap, {"content": "done"}]
    on = {"default": {"undo_regressions": True, "stop_when_stuck": True}}
    session = open_scripted(repo, store, tmp_path, script, profiles=on)
    outcome = await session.run(REQUEST)
    assert (outcome.status, outcome.steps) == ("error", 4), outcome.final_message
    assert outcome.final_message.startswith(
        "stopped: `python3 -m unittest -q test_calc` failed the same way after 4 edits in a row"
    )
    # without the stuck stop the edits go on
    session = open_scripted(repo, store, tmp_path, script, profiles=ON)
    assert (await session.run(REQUEST)).steps == 6
