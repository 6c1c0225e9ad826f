"""What a request says its command prints, and the rewrite asked for when a run exits 0
without printing it (profile check_stated_output) or still printing the error it reports."""

from __future__ import annotations

from reins.agent.expected_output import (
    Expected,
    keeps_output,
    output_mismatch,
    stated_output,
    still_reported,
)
from tests.unit.test_coding_rules import watched
from tests.unit.test_session import open_scripted

REPORT = (
    "Write a script `ext_report.py` that counts files by extension, tab-separated. For "
    "example, `python3 ext_report.py sample` should print exactly:\n\n```\n.md\t3\t107\n"
    "(none)\t1\t26\n```\n"
)


def test_the_output_a_request_states_for_its_command():
    assert stated_output(REPORT, "python3 ext_report.py sample") == Expected(
        ".md\t3\t107\n(none)\t1\t26", "block"
    )
    # "it": the request's only script run
    crash = "Running `python3 report.py` crashes. Fix it so that it prints `Total: 42`."
    assert stated_output(crash, "python3 report.py") == Expected("Total: 42", "inline")
    # said of another command, or a function's value, or a shape with placeholders: nothing
    assert stated_output(REPORT, "python3 other.py sample") is None
    two = "`python3 a.py` and `python3 b.py` both run. Make it print `ok`."
    assert stated_output(two, "python3 a.py") is None
    value = "`python3 q.py` runs `parse('a=1')`, which should return `{'a': '1'}`."
    assert stated_output(value, "python3 q.py") is None
    shape = "With `bash rotate.sh --dry-run logs`, it prints `would run: mv <from> <to>`."
    assert stated_output(shape, "bash rotate.sh --dry-run logs") is None
    assert stated_output("`python3 a.py` should print `...`", "python3 a.py") is None
    # what it prints now, or must not print, or a file it makes: not the output to get
    for said in ("Running `python3 a.py` prints `None` instead of the total.",
                 "`python3 a.py` should not print `DEBUG`.", "Make `python3 a.py` stop printing `x y`.",
                 "`python3 a.py` should produce `dist/index.html`."):  # fmt: skip
        assert stated_output(said, "python3 a.py") is None, said
    fixed = "`python3 a.py` prints `0` but should print `42`."
    assert stated_output(fixed, "python3 a.py") == Expected("42", "inline")


def test_a_request_that_keeps_its_commands_output():
    move = "Move `f` into money.py. `python3 main.py` must print the same invoice as before."
    assert keeps_output(move, "python3 main.py")
    assert keeps_output(
        "Group the keys, so `python3 app.py` prints exactly what it prints now.", "python3 app.py"
    )
    fast = "`python3 dedupe.py c.csv` is slow. Make it fast without changing what it prints."
    assert keeps_output(fast, "python3 dedupe.py c.csv")
    assert not keeps_output(move, "python3 other.py")
    assert not keeps_output("`python3 a.py` prints the total. Add a tax line.", "python3 a.py")
    assert not keeps_output("`python3 a.py` prints the same line twice.", "python3 a.py")


def test_a_run_has_the_stated_output_or_is_told_the_first_difference():
    block = Expected(".md\t3\t107\n(none)\t1\t26", "block")
    assert output_mismatch(block, "\n.md\t3\t107  \n(none)\t1\t26\n") is None
    assert output_mismatch(block, "warning: slow disk\n.md\t3\t107\n(none)\t1\t26\n") is None
    told = output_mismatch(block, ".md 3 107\n 1 26\n")
    assert told is not None and told.endswith(
        "First difference: line 1 should be '.md\\t3\\t107'; it is '.md 3 107'."
    )
    assert "It printed:\n```\n.md 3 107\n 1 26\n```" in told
    assert "line 2 should be '(none)\\t1\\t26'; it is missing" in output_mismatch(
        block, ".md\t3\t107\n"
    )
    assert output_mismatch(Expected("Total: 42", "inline"), "Total: 42\n") is None
    before = Expected("a\nb\n", "before")  # all of it, not a part
    assert output_mismatch(before, "a\nb") is None
    assert "line 2 should be 'b'; it is 'c'" in output_mismatch(before, "a\nc\n")
    assert "what it printed before your change:" in output_mismatch(before, "a\nb\nc\n")
    assert "It printed:\n```\n(nothing)\n```" in output_mismatch(
        Expected("Total: 42", "inline"), ""
    )


async def test_a_script_that_runs_but_prints_other_than_stated_is_asked_for_again(
    repo, store, tmp_path
):
    # seen: ext_report.py printed spaces where the request's example had tabs; it exited 0
    # and the turn ended with the script wrong
    (repo / "sample").mkdir()
    (repo / "sample" / "a.md").write_text("x" * 107)
    spaces = {"content": "ext_report.py\n```python\nprint('.md 1 107')\n```"}
    tabs = {"content": "ext_report.py\n```python\nprint('.md\\t1\\t107')\n```"}
    request = (
        "Write `ext_report.py`: `python3 ext_report.py sample` should print exactly:\n\n"
        "```\n.md\t1\t107\n```\n"
    )
    on = {"qwen-files": {"check_stated_output": True}}
    session = open_scripted(repo, store, tmp_path, [spaces, tabs], profile="qwen-files",
                            profiles=on)  # fmt: skip
    seen = watched(session)
    outcome = await session.run(request)
    assert outcome.status == "completed" and "\\t" in (repo / "ext_report.py").read_text()
    told = seen.requests[1][-1][1]
    assert "`python3 ext_report.py sample` does not print what the task says" in told
    assert "First difference: line 1 should be '.md\\t1\\t107'; it is '.md 1 107'." in told
    assert "fix ext_report.py so `python3 ext_report.py sample` prints what the task says" in told

    # off (as in every built-in profile): the first version ends the turn
    (repo / "ext_report.py").unlink()
    off = open_scripted(repo, store, tmp_path, [spaces, tabs], profile="qwen-files")
    assert (await off.run(request)).status == "completed"
    assert "\\t" not in (repo / "ext_report.py").read_text()


async def test_a_change_that_must_keep_the_output_is_checked_against_the_output_before_it(
    repo, store, tmp_path
):
    (repo / "app.py").write_text("print('host: db1')\nprint('port: 5432')\n")
    broken = {"content": "app.py\n```python\nprint('host: db1')\n```"}
    kept = {
        "content": "app.py\n```python\nHOST = 'db1'\nprint(f'host: {HOST}')\nprint('port: 5432')\n```"
    }
    on = {"qwen-files": {"check_stated_output": True}}
    session = open_scripted(repo, store, tmp_path, [broken, kept], profile="qwen-files",
                            profiles=on)  # fmt: skip
    seen = watched(session)
    outcome = await session.run(
        "Put the host in a constant in app.py; `python3 app.py` must print the same as before."
    )
    assert outcome.status == "completed" and "HOST" in (repo / "app.py").read_text()
    told = seen.requests[1][-1][1]
    assert "It should print what it printed before your change:\n```\nhost: db1\nport: 5432" in told
    assert "line 2 should be 'port: 5432'; it is missing" in told


CP_ERROR = "cp: cannot stat 'Downloads/March': No such file or directory"
SPACES = (
    "`bash collect.sh Downloads out` falls over on names with spaces:\n\n```\n"
    f"{CP_ERROR}\ncopied 3 files\n```\n\nPlease make it work for any file name."
)


def test_the_error_a_request_pastes_is_still_printed():
    assert still_reported(SPACES, f"{CP_ERROR}\ncopied 2 files\n") == [CP_ERROR]
    assert still_reported(SPACES, "copied 3 files\n") == []  # `copied 3 files` is no error
    # a block of code (Exercism's examples), and a block the request wants printed, are no
    # report of a failure
    code = '```python\nraise ValueError("slice length cannot be zero")\n```'
    assert still_reported(code, 'raise ValueError("slice length cannot be zero")') == []
    wanted = "`python3 check.py` should print exactly:\n\n```\nERROR b.json: bad port\n```"
    assert still_reported(wanted, "ERROR b.json: bad port\n") == []


async def test_a_run_that_exits_0_still_printing_the_reported_error_is_no_fix(
    repo, store, tmp_path
):
    # seen (shapes bash-spaces-in-names): the script printed `cp: cannot stat …` again and
    # exited 0, and that exit ended the turn with the bug in place
    (repo / "collect.sh").write_text(f"echo \"{CP_ERROR}\"\necho 'copied 3 files'\n")
    same = {"content": f"collect.sh\n```bash\necho \"{CP_ERROR}\"\necho 'copied 2 files'\n```"}
    fixed = {"content": "collect.sh\n```bash\necho 'copied 3 files'\n```"}
    session = open_scripted(repo, store, tmp_path, [same, fixed], profile="qwen-files")
    seen = watched(session)
    outcome = await session.run(SPACES.replace("collect.sh Downloads out", "collect.sh"))
    assert (outcome.status, outcome.steps) == ("completed", 2), outcome.final_message
    assert "cannot stat" not in (repo / "collect.sh").read_text()
    told = seen.requests[1][-1][1]
    assert f"exits 0, but still prints the error the task reports:]\n{CP_ERROR}" in told
    assert "fix collect.sh so `bash collect.sh` no longer prints that error" in told
