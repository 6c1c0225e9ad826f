"""profile reask_unreadable_writes: a whole file written as JSON that cannot be read is
asked for again as that file's block, with the broken call out of the context."""

from reins.agent.unreadable_writes import unreadable_write_path
from tests.unit.test_coding_rules import Prefills, block, finish, watched
from tests.unit.test_session import open_scripted

ASK = "Add src/tags.py with show(tags): the tags in brackets, comma-separated; '' for none."
# an f-string whose quotes break both the JSON and the odd-quote repair (seen: two-step-feature)
BROKEN = (
    '```json\n{"name": "write_file", "arguments": {"path": "src/tags.py", "content": '
    '"def show(t):\\n    return f\'[{\', \'.join(t)}]" if t else ""\\n"}}\n```'
)
GOOD = 'def show(t):\n    return "[" + ", ".join(t) + "]" if t else ""\n'
OPENER = "src/tags.py\n```python\n"


def reasking(repo, store, tmp_path, script):
    return open_scripted(repo, store, tmp_path, script, profile="qwen-files",
                         profiles={"qwen-files": {"reask_unreadable_writes": True}})  # fmt: skip


async def test_an_unreadable_json_write_is_asked_for_again_as_the_files_block(
    repo, store, tmp_path
):
    session = reasking(repo, store, tmp_path, [{"content": BROKEN}, block("src/tags.py", GOOD),
                                               finish("added show")])  # fmt: skip
    seen, prefills = watched(session), Prefills()
    session.hooks.append(prefills)
    outcome = await session.run(ASK)
    assert outcome.status == "completed"
    assert (repo / "src/tags.py").read_text() == GOOD
    assert prefills.prefills[1] == OPENER  # the reply after the broken one starts as the block
    second = seen.requests[1]
    assert not any("write_file" in text for role, text in second if role == "assistant")
    assert second[-1] == ("user", second[-1][1]) and "as a file block" in second[-1][1]


async def test_the_block_is_asked_for_twice_a_file_then_the_call_is_answered_as_before(
    repo, store, tmp_path
):
    session = reasking(repo, store, tmp_path, [{"content": BROKEN}] * 4)
    prefills = Prefills()
    session.hooks.append(prefills)
    await session.run(ASK)
    assert prefills.prefills[1:3] == [OPENER, OPENER] and prefills.prefills[3] != OPENER
    # off (the profile as it ships): the broken call stays and no block is started
    plain = open_scripted(repo, store, tmp_path, [{"content": BROKEN}, finish("x")],
                          profile="qwen-files")  # fmt: skip
    off = Prefills()
    plain.hooks.append(off)
    await plain.run(ASK)
    assert OPENER not in off.prefills[1:]  # the first reply: WriteFirst, a named new file


def test_the_path_must_be_a_relative_one_inside_the_workspace():
    head = '{"name": "write_file", "arguments": {"path": "%s", "content": "x = "1""}}'
    assert unreadable_write_path(head % "./pkg/../a.py") == "a.py"
    for outside in ("/etc/passwd", "../x.py", ".."):
        assert unreadable_write_path(head % outside) is None
    assert unreadable_write_path('{"name": "run_command", "arguments": {"command": "a"b"}}') is None
