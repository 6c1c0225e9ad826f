"""EditFirst (profile edit_first): a change whose code file is attached only in part starts
as an edit of that file, and the request's tests run after each edit."""

from reins.agent.edit_first import edit_opener
from reins.agent.hooks import Hook
from tests.unit.test_coding_rules import PrefillsAndTemperatures, call, watched
from tests.unit.test_session import open_scripted

FILLER = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(2000))
TEST = (
    "import unittest\nimport pkg as p\n\n\nclass T(unittest.TestCase):\n"
    "    def test_scale(self):\n        self.assertEqual(p.scale([1, 2], 3), [3, 6])\n"
)
REQUEST = (
    "The tests fail: run `python3 -m unittest -q test_pkg` and fix the bug. "
    "The bug is in the library code, not in the tests."
)
EDIT_ON = {"qwen-files": {"edit_first": True}}


def prefills_of(session):
    """The prefill of each model call, as the hooks before it left it."""
    recorded = PrefillsAndTemperatures(session)
    return lambda: [prefill for prefill, _ in recorded.seen]


def make_package(repo):
    (repo / "pkg").mkdir()
    (repo / "pkg/__init__.py").write_text("from .core import *  # noqa\n")
    (repo / "pkg/core.py").write_text(
        FILLER + "def scale(xs, k):\n    return [x + k for x in xs]\n"
    )
    (repo / "test_pkg.py").write_text(TEST)


def edit(old, new):
    return call("edit_file", path="pkg/core.py", old_string=old, new_string=new)


async def test_a_failing_function_of_a_large_module_is_edited_first_and_tested(
    repo, store, tmp_path
):
    # seen on mutate: the model wrote the test file the traceback ends in, not the code
    make_package(repo)
    rewrite_test = call("write_file", path="test_pkg.py", content="import unittest\n")
    session = open_scripted(repo, store, tmp_path, [
        rewrite_test,  # refused (the request keeps the tests): back to an edit of the code
        edit("[x + k for", "[x - k for"),  # still fails: asked to edit again
        edit("[x - k for", "[x * k for"),  # passes: the turn ends
        {"content": "never asked for"},
    ], profile="qwen-files", profiles=EDIT_ON)  # fmt: skip
    prefills, seen = prefills_of(session), watched(session)
    outcome = await session.run(REQUEST)
    assert (outcome.status, outcome.steps) == ("completed", 3)
    assert "passes" in outcome.final_message
    opener = edit_opener("pkg/core.py")
    assert opener.startswith("```json\n") and opener.endswith('"old_string": "')
    assert prefills() == [opener, opener, opener]
    # the code is what the model read last: seen, old_string copied from the test shown last
    shown = "\n".join(text for _, text in seen.requests[0])
    assert shown.index("## test_pkg.py") < shown.index("## pkg/core.py")
    assert (repo / "pkg/core.py").read_text().endswith("return [x * k for x in xs]\n")
    assert (repo / "test_pkg.py").read_text() == TEST  # and the test file never changed


async def test_edit_first_leaves_whole_files_questions_and_the_profile_default_alone(
    repo, store, tmp_path
):
    make_package(repo)
    done = [{"content": "ok"}]
    off = open_scripted(repo, store, tmp_path, done, profile="qwen-files")
    prefills = prefills_of(off)
    await off.run(REQUEST)
    assert prefills()[0] is None  # off in qwen-files until the lab says otherwise
    ask = open_scripted(repo, store, tmp_path, done, profile="qwen-files", profiles=EDIT_ON)
    prefills = prefills_of(ask)
    await ask.run("Why does `python3 -m unittest -q test_pkg` fail?")
    assert prefills()[0] is None
    # a module small enough to attach whole is WriteFirst's: its reply starts as the block
    (repo / "pkg/core.py").write_text("def scale(xs, k):\n    return [x + k for x in xs]\n")
    whole = open_scripted(repo, store, tmp_path, done, profile="qwen-files", profiles=EDIT_ON)
    prefills = prefills_of(whole)
    await whole.run(REQUEST)
    assert prefills()[0] == "pkg/core.py\n```python\n"


async def test_an_edit_that_breaks_the_parse_is_undone_and_answered_as_not_applied(
    repo, store, tmp_path
):
    # seen on mutate: `no_pad` -> `None` everywhere (`None = '__no__pad__'`) was applied with
    # a warning, and every later step worked on a module that no longer imported
    source = "no_pad = '__no__pad__'\n\n\ndef pad(x=no_pad):\n    return x\n"
    (repo / "src/pad.py").write_text(source)
    broken = call(
        "edit_file", path="src/pad.py", old_string="no_pad", new_string="None", replace_all=True
    )
    fine = call("edit_file", path="src/pad.py", old_string="return x", new_string="return [x]")
    script = [broken, fine, {"content": "done"}]
    on = {"default": {"refuse_broken_edits": True}}
    session = open_scripted(repo, store, tmp_path, script, profiles=on)
    answers = Answers(session)
    await session.run("make pad return a list")
    assert answers.seen[0].startswith("refused: this edit would leave src/pad.py unable to parse")
    assert "NOT applied" in answers.seen[0] and answers.seen[1].startswith("edited src/pad.py")
    assert (repo / "src/pad.py").read_text() == source.replace("return x", "return [x]")
    # the same broken edit again and again is a failing call repeated: the guard stops it
    (repo / "src/pad.py").write_text(source)
    session = open_scripted(repo, store, tmp_path, [broken] * 5, profiles=on)
    outcome = await session.run("make pad return a list")
    assert outcome.status == "error" and "repeated" in outcome.final_message
    assert (repo / "src/pad.py").read_text() == source
    # off (the default), the same edit is applied with the warning
    (repo / "src/pad.py").write_text(source)
    session = open_scripted(repo, store, tmp_path, script)
    answers = Answers(session)
    await session.run("make pad return a list")
    assert "warning: the file no longer parses" in answers.seen[0]
    assert "None = '__no__pad__'" in (repo / "src/pad.py").read_text()


class Answers(Hook):
    """The text of each tool result, as the hooks before this one left it."""

    def __init__(self, session):
        self.seen = []
        session.hooks.append(self)

    def after_tools(self, turn, plan, executed):
        self.seen += [item.result.output for item in executed]
