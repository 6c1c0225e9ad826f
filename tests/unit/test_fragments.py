"""A file block holding only some functions of a large Python file replaces those
functions; a write that would gut a large file is refused (profile partial_writes)."""

from reins.agent.fragments import merged
from reins.agent.store_writer import logged_messages
from tests.unit.test_session import open_scripted

FILLER = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(20))
MODULE = (
    "import math\n\n\n"
    + FILLER
    + "class Shape:\n    sides = 0\n\n    @property\n    def area(self):\n        return 0\n\n\n"
    + "def dft(xs):\n    n = len(xs)\n    return [x * n for x in xs]\n"
)


def call(name, **arguments):
    return {"content": "", "tool_calls": [{"name": name, "arguments": arguments}]}


def test_a_block_of_definitions_replaces_those_of_the_same_name():
    block = "def dft(xs):\n    n = len(xs)\n    return [x / n for x in xs]\n"
    text, names = merged(MODULE, block)
    assert names == ["dft"]
    assert text == MODULE.replace("x * n", "x / n")
    # a method written at the top level goes back into its class, indented, decorator kept
    text, names = merged(MODULE, "@property\ndef area(self):\n    return 42\n")
    assert "    @property\n    def area(self):\n        return 42\n" in text
    assert text.count("def area") == 1 and text.endswith(MODULE[MODULE.index("\n\ndef dft") :])


def test_blocks_that_are_not_clean_fragments_are_left_alone():
    assert merged(MODULE, "import os\n\ndef dft(xs):\n    return xs\n") is None  # not only defs
    assert merged(MODULE, "def nowhere(x):\n    return x\n") is None  # no such name
    assert merged(MODULE + "\nclass B:\n    def area(self):\n        return 1\n",
                  "def area(self):\n    return 2\n") is None  # two of that name: ambiguous  # fmt: skip
    assert merged(MODULE, "def dft(:\n") is None  # does not parse
    # the excerpt's elision marks, copied back, are not code to merge
    fixed = "# ...\n...\ndef dft(xs):\n    return xs\n...\n"
    assert merged(MODULE, fixed)[1] == ["dft"]


async def test_the_profile_merges_fragments_and_refuses_gutting_a_large_file(repo, store, tmp_path):
    (repo / "src/shapes.py").write_text(MODULE)
    fix = {"content": "src/shapes.py\n```python\ndef dft(xs):\n    return list(xs)\n```"}
    gut = call("write_file", path="src/shapes.py", content="print('hi')\n")
    small = call("write_file", path="src/util.py", content="VALUE = 3\n")
    session = open_scripted(repo, store, tmp_path, [fix, gut, small, {"content": "done"}],
                            profile="qwen-files", profiles={"qwen-files": {
                                "partial_writes": True, "write_first_kb": 0}})  # fmt: skip
    outcome = await session.run("Fix dft in src/shapes.py (and src/util.py).")
    text = (repo / "src/shapes.py").read_text()
    assert text == MODULE.replace("    n = len(xs)\n    return [x * n for x in xs]\n",
                                  "    return list(xs)\n")  # fmt: skip
    results = [m.content for m, _ in logged_messages(store, outcome.session_id) if m.role == "tool"]
    assert "held only dft: it replaced the definition(s)" in results[0]
    assert results[1].startswith("refused: this would replace all ") and "edit_file" in results[1]
    assert (repo / "src/util.py").read_text() == "VALUE = 3\n"  # small files: written whole
    kinds = [t["kind"] for t in store.tool_calls(outcome.session_id)]
    assert kinds == ["ok", "InvalidArguments", "ok"]


async def test_refuse_gutting_alone_refuses_a_placeholder_write_and_merges_nothing(
    repo, store, tmp_path
):
    # seen: a 290-line module, then its tests, overwritten with "..." (a JSON write_file)
    (repo / "src/shapes.py").write_text(MODULE)
    gut = call("write_file", path="src/shapes.py", content="...")
    fix = {"content": "src/shapes.py\n```python\ndef dft(xs):\n    return list(xs)\n```"}
    session = open_scripted(repo, store, tmp_path, [gut, fix, {"content": "done"}],
                            profile="qwen-files", profiles={"qwen-files": {
                                "refuse_gutting": True, "write_first_kb": 0}})  # fmt: skip
    outcome = await session.run("Fix dft in src/shapes.py.")
    assert (repo / "src/shapes.py").read_text() == MODULE  # neither write went through
    results = [m.content for m, _ in logged_messages(store, outcome.session_id) if m.role == "tool"]
    assert all(r.startswith("refused: this would replace all ") for r in results[:2]), results
    assert "use edit_file with the exact lines" in results[0]  # no merge to offer


SCRIPT = "#!/usr/bin/env bash\n" + "".join(f"echo step {i}\n" for i in range(25))


async def test_a_small_file_is_not_gutted_either_but_a_short_file_may_be_rewritten(
    repo, store, tmp_path
):
    # seen (shapes, 2026-12-06): a 26-line nightly.sh overwritten with `echo "exit code: 0"`
    (repo / "nightly.sh").write_text(SCRIPT)
    (repo / "notes.txt").write_text("".join(f"note {i}\n" for i in range(9)))
    gut = call("write_file", path="nightly.sh", content='echo "exit code: 0"\n')
    short = call("write_file", path="notes.txt", content="one note\n")
    fixed = call("write_file", path="nightly.sh", content="set -euo pipefail\n" + SCRIPT)
    session = open_scripted(repo, store, tmp_path, [gut, short, fixed, {"content": "done"}],
                            profile="qwen-files", profiles={"qwen-files": {
                                "refuse_gutting": True, "write_first_kb": 0}})  # fmt: skip
    outcome = await session.run("Make nightly.sh stop when a step fails; notes.txt: one note.")
    assert (repo / "nightly.sh").read_text() == "set -euo pipefail\n" + SCRIPT
    assert (repo / "notes.txt").read_text() == "one note\n"  # 9 lines: under the floor
    results = [m.content for m, _ in logged_messages(store, outcome.session_id) if m.role == "tool"]
    assert results[0].startswith("refused: this would replace all 26 lines of nightly.sh with 1")
    assert "every line that stays" in results[0] and "rm nightly.sh" in results[0]


BIG = (
    "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(60))
    + "def double(x):\n    return x * 2 + 1\n\n\n"
    + "".join(f"def tail_{i}(x):\n    return x * {i}\n\n\n" for i in range(20))
)
TEST = "from util import double\n\n\ndef test_double():\n    assert double(3) == 6\n"


async def test_the_failing_function_of_a_large_file_is_written_first_and_merged(
    repo, store, tmp_path
):
    # the mutate shape: the failure is in a file too large to attach; reins attaches the
    # function the failing test uses, starts the reply as that file's block, merges the
    # function the model writes back, runs the tests and ends the turn when they pass
    from tests.unit.test_coding_rules import Prefills

    (repo / "src/util.py").write_text(BIG)
    (repo / "src/test_util.py").write_text(TEST)
    fixed = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    request = "The tests fail: run `cd src && python3 -m pytest -q`. Fix the bug."
    for partial in (False, True):
        (repo / "src/util.py").write_text(BIG)
        session = open_scripted(repo, store, tmp_path, [fixed, {"content": "done"}],
                                profile="qwen-files", profiles={"qwen-files": {
                                    "attach_files_kb": 2, "partial_writes": partial}})  # fmt: skip
        prefills = Prefills()
        session.hooks.append(prefills)
        outcome = await session.run(request)
        if not partial:  # the cut file is not started as a block: that write would gut it
            assert prefills.prefills[0] is None
            continue
        assert prefills.prefills[0] == "src/util.py\n```python\n"
        assert (repo / "src/util.py").read_text() == BIG.replace("x * 2 + 1\n", "2 * x\n")
        assert (outcome.status, outcome.steps) == ("completed", 1)
        assert "passes" in outcome.final_message
