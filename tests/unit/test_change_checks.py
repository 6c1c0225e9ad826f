"""What counts as a change in the files loop (qwen-files): a rewrite that only reflows the
file is no change; giving back the old version after a change is the model's call."""

import pytest

from reins.agent.same_code import same_code
from tests.unit.test_coding_rules import Prefills, block, finish, watched
from tests.unit.test_session import open_scripted

REPORT = 'from books import load\n\n\nif __name__ == "__main__":\n    print(len(load()))\n'
ASK = "Make report.py print the word books after the count: `python3 report.py`."


def books_repo(repo):
    (repo / "books.py").write_text("def load():\n    return [1, 2]\n")
    (repo / "report.py").write_text(REPORT)


def test_same_code_is_the_same_tree_and_comments_not_the_same_bytes():
    swapped = REPORT.replace('"', "'").replace("\n\n\n", "\n\n")
    assert same_code("report.py", swapped, REPORT)  # quotes and blank lines
    assert same_code("report.py", REPORT + "\n\n", REPORT)
    assert not same_code("report.py", REPORT.replace("len(load())", "load()"), REPORT)
    assert not same_code("report.py", REPORT + "# pages too\n", REPORT)  # a comment is text
    docstring = '"""Books."""\n' + REPORT
    assert not same_code("report.py", docstring, REPORT)
    assert not same_code("report.py", "def broken(:\n", "def broken(:\n    pass\n")
    deep = "x = " + "-" * 50_000 + "1\n"  # more nesting than the parser holds
    assert not same_code("report.py", deep, deep.replace("x =", "x  ="))
    assert not same_code("report.py", "a = 1\x00\n", "a = 1\n")
    # other languages: blank lines and trailing blanks only
    js = "const a = 1;\n\nexport { a };\n"
    assert same_code("a.js", "const a = 1;  \nexport { a };", js)
    assert not same_code("a.js", js.replace("1;", "1 ;"), js)


async def test_a_reflowed_target_is_put_back_and_asked_for_again(repo, store, tmp_path):
    # seen (shapes book-pages-field): report.py given back with its quotes swapped; it still
    # ran, so the turn ended "done" with no page count anywhere
    books_repo(repo)
    changed = REPORT.replace("len(load())", "len(load()), 'books'")
    replies = [block("report.py", REPORT.replace('"', "'")), block("report.py", changed)]
    session = open_scripted(repo, store, tmp_path, replies, profile="qwen-files")
    seen = watched(session)
    outcome = await session.run(ASK)
    assert (outcome.status, outcome.steps) == ("completed", 2), outcome.final_message
    assert (repo / "report.py").read_text().rstrip() == changed.rstrip()
    hint = seen.requests[1][-1]
    assert hint[0] == "user" and "report.py as it was: nothing is changed yet" in hint[1]


@pytest.mark.parametrize(
    "request_text",
    [
        ASK,  # report.py alone: the target
        # several files attached, so no first target: the file the model writes is adopted
        # and compared with what it held when attached (seen: book-pages-field's report.py)
        ASK.replace(":", ", using books.py:"),
    ],
)
async def test_a_reflowed_file_is_put_back_as_the_user_wrote_it(
    repo, store, tmp_path, request_text
):
    books_repo(repo)
    reflowed = block("report.py", REPORT.replace('"', "'"))
    session = open_scripted(
        repo, store, tmp_path, [reflowed, finish("It already does.")], profile="qwen-files"
    )
    outcome = await session.run(request_text)
    assert outcome.steps == 2, outcome.final_message
    assert (repo / "report.py").read_text() == REPORT  # byte for byte


async def test_a_change_taken_back_is_not_asked_for_again(repo, store, tmp_path):
    # seen (shapes sqlite-query): seed.py, an input, cut by the first write and restored by
    # the second; told "nothing is changed yet", the model cut it again until time ran out
    books_repo(repo)
    broken = block("report.py", REPORT.replace("len(load())", "len(load(3))"))
    back = block("report.py", REPORT.replace('"', "'"))
    session = open_scripted(repo, store, tmp_path, [broken, back, finish()], profile="qwen-files")
    seen = watched(session)
    outcome = await session.run(ASK)
    assert (outcome.status, outcome.steps) == ("completed", 2), outcome.final_message
    assert not any("nothing is changed yet" in m[1] for r in seen.requests for m in r)


async def test_a_script_that_no_longer_parses_is_asked_for_again_though_its_run_passed(
    repo, store, tmp_path
):
    # seen (shapes bash-prune-old-backups): backup.sh written with a syntax error past the
    # `exit` the run reached; the run exited 0 and the turn ended "done" with it broken
    (repo / "run.sh").write_text("echo ok\n")
    broken = {"content": "run.sh\n```bash\necho ok\necho done\nexit 0\nif [ ; then\n```"}
    fixed = {"content": "run.sh\n```bash\necho ok\necho done\n```"}
    session = open_scripted(repo, store, tmp_path, [broken, fixed], profile="qwen-files")
    seen = watched(session)
    outcome = await session.run("Make `bash run.sh` print done after ok.")
    assert (outcome.status, outcome.steps) == ("completed", 2), outcome.final_message
    assert (repo / "run.sh").read_text() == "echo ok\necho done\n"
    assert (
        "[reins: run.sh does not parse (line 1: syntax error). Write the whole"
        in seen.requests[1][-1][1]
    )


async def test_a_target_only_ever_given_back_unchanged_is_not_reported_as_written(
    repo, store, tmp_path
):
    # seen (shapes date-range-inclusive): sales.py given back as it was three times; the
    # turn ended "wrote sales.py; `python3 sales.py …` passes"
    books_repo(repo)
    session = open_scripted(repo, store, tmp_path, [block("report.py", REPORT)] * 3,
                            profile="qwen-files")  # fmt: skip
    outcome = await session.run(ASK)
    assert outcome.steps == 3 and outcome.final_message.startswith(
        "left report.py as it was (the model wrote it back unchanged)"
    )


async def test_a_file_the_requests_run_writes_does_not_keep_the_script_from_being_the_target(
    repo, store, tmp_path
):
    # seen (shapes dedupe-keep-order): `python3 mailing_list.py signups.csv > newsletter.txt`
    # was no script run (`>` read as a placeholder), and newsletter.txt a file to create,
    # so mailing_list.py was never the target and the model edited it blind
    from reins.agent.request_shape import is_script_run, run_arguments

    run = "python3 tally.py data.csv > out.txt"
    assert is_script_run(run) and is_script_run("python3 tally.py data.csv | sort -r")
    assert not is_script_run("python3 tally.py FILE > out.txt")
    request = f"`{run}` lists the rows in a new order each time. Keep the file's order."
    assert run_arguments(request) == {"data.csv", "out.txt"}
    (repo / "tally.py").write_text("import sys\nprint(set(open(sys.argv[1])))\n")
    (repo / "data.csv").write_text("a\nb\n")
    session = open_scripted(repo, store, tmp_path, [finish()], profile="qwen-files")
    prefills = Prefills()
    session.hooks.append(prefills)
    await session.run(request)
    assert prefills.prefills[0] == "tally.py\n```python\n"
