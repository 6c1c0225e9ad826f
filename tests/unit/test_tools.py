"""Every core tool, its success path and its error kinds, on a real temporary git repo."""

import os
import shutil

import pytest

from reins.models.messages import ToolCall
from reins.tools.errors import ErrorKind
from reins.tools.executor import ToolExecutor
from reins.tools.files import MAX_READ_LINES
from reins.tools.registry import build_tools


async def test_read_file_numbers_lines_and_honours_ranges(run):
    result = await run("read_file", path="src/app.py", start_line=2, end_line=2)
    assert result.kind is ErrorKind.OK
    assert result.output == "2|     return 'hello ' + name"


async def test_read_file_truncates_with_a_note(run, repo):
    (repo / "big.txt").write_text("".join(f"line {i}\n" for i in range(MAX_READ_LINES + 50)))
    result = await run("read_file", path="big.txt")
    assert result.ok
    assert f"call read_file with start_line={MAX_READ_LINES + 1}" in result.output
    assert result.output.count("\n") == MAX_READ_LINES  # lines + the note


async def test_read_missing_file_is_unexpected_environment_with_suggestion(run):
    result = await run("read_file", path="src/ap.py")
    assert result.kind is ErrorKind.UNEXPECTED_ENVIRONMENT
    assert "src/app.py" in result.output  # did you mean


async def test_read_directory_and_binary_are_invalid_arguments(run, repo):
    (repo / "blob.bin").write_bytes(b"\x00\x01\x02" * 10)
    assert (await run("read_file", path="src")).kind is ErrorKind.INVALID_ARGUMENTS
    assert (await run("read_file", path="blob.bin")).kind is ErrorKind.INVALID_ARGUMENTS


async def test_read_past_end_is_invalid(run):
    result = await run("read_file", path="src/util.py", start_line=10)
    assert result.kind is ErrorKind.INVALID_ARGUMENTS


async def test_non_utf8_file_is_read_with_replacement(run, repo):
    (repo / "latin.txt").write_bytes("café\n".encode("latin-1"))
    result = await run("read_file", path="latin.txt")
    assert result.ok and "caf" in result.output


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "src/../../x"])
async def test_paths_outside_the_workspace_are_refused(run, path):
    result = await run("read_file", path=path)
    assert result.kind is ErrorKind.INVALID_ARGUMENTS
    assert "outside the workspace" in result.output


async def test_symlink_escape_is_refused_for_read_and_write(run, repo, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    os.symlink(secret, repo / "link.txt")
    os.symlink(tmp_path, repo / "linkdir")
    assert (await run("read_file", path="link.txt")).kind is ErrorKind.INVALID_ARGUMENTS
    result = await run("write_file", path="linkdir/new.txt", content="x")
    assert result.kind is ErrorKind.INVALID_ARGUMENTS
    assert not (tmp_path / "new.txt").exists()
    assert secret.read_text() == "top secret"


async def test_list_dir_and_glob(run):
    listing = await run("list_dir", path="src")
    assert listing.ok and "app.py (" in listing.output
    found = await run("glob", pattern="**/*.py")
    assert found.output.splitlines() == ["src/app.py", "src/util.py"]
    assert (await run("glob", pattern="../*")).kind is ErrorKind.INVALID_ARGUMENTS
    assert "no files match" in (await run("glob", pattern="*.rs")).output


async def test_write_file_creates_parents_and_reports(run, repo):
    result = await run("write_file", path="new/dir/f.txt", content="a\nb\n")
    assert result.ok and result.output.startswith("created new/dir/f.txt (2 lines")
    assert (repo / "new/dir/f.txt").read_text() == "a\nb\n"
    again = await run("write_file", path="new/dir/f.txt", content="c")
    assert again.output.startswith("overwrote")


async def test_edit_file_replaces_a_unique_match(run, repo):
    result = await run("edit_file", path="src/app.py", old_string="'hello '", new_string="'hi '")
    assert result.ok and "line 2" in result.output
    assert "'hi ' + name" in (repo / "src/app.py").read_text()


async def test_edit_file_ambiguous_needs_replace_all(run, repo):
    (repo / "dup.txt").write_text("x = 1\nx = 1\n")
    ambiguous = await run("edit_file", path="dup.txt", old_string="x = 1", new_string="x = 2")
    assert ambiguous.kind is ErrorKind.INVALID_ARGUMENTS and "lines 1, 2" in ambiguous.output
    assert (repo / "dup.txt").read_text() == "x = 1\nx = 1\n"
    done = await run(
        "edit_file", path="dup.txt", old_string="x = 1", new_string="x = 2", replace_all=True
    )
    assert done.ok and (repo / "dup.txt").read_text() == "x = 2\nx = 2\n"


async def test_edit_file_no_match_shows_the_file_and_changes_nothing(run, repo):
    before = (repo / "src/app.py").read_text()
    result = await run(
        "edit_file", path="src/app.py", old_string="return 'goodbye'", new_string="x"
    )
    assert result.kind is ErrorKind.INVALID_ARGUMENTS
    assert "2|     return 'hello ' + name" in result.output
    assert (repo / "src/app.py").read_text() == before


async def test_edit_file_no_match_in_a_big_file_shows_closest_lines(run, repo):
    body = "".join(f"def func_{i}(a, b):\n    return a + {i}\n" for i in range(200))
    (repo / "big.py").write_text(body)
    result = await run(
        "edit_file",
        path="big.py",
        old_string="def func_77(a, b):\n    return a - 77",
        new_string="x",
    )
    assert result.kind is ErrorKind.INVALID_ARGUMENTS
    assert "matches 2 places" in result.output and "155| def func_77(a, b):" in result.output


@pytest.mark.skipif(shutil.which("rg") is None, reason="needs ripgrep")
async def test_edit_file_says_which_file_has_the_text_it_did_not_find(run, repo):
    # The model copied a test's assertion, from the traceback, into an edit of the code.
    (repo / "tests").mkdir()
    (repo / "tests/test_app.py").write_text(
        "from src.app import greet\n\n\ndef test_greet():\n    assert greet('bob') == 'hello bob'\n"
    )
    result = await run(
        "edit_file",
        path="src/app.py",
        old_string="    assert greet('bob') == 'hello bob'",
        new_string="    assert greet('bob') == 'hi bob'",
    )
    assert result.kind is ErrorKind.INVALID_ARGUMENTS
    assert "it is in tests/test_app.py:5" in result.output
    assert "old_string must be text of src/app.py" in result.output
    # Text that stands nowhere gets the usual answer.
    nowhere = await run(
        "edit_file", path="src/app.py", old_string="return 'goodbye friend'", new_string="x"
    )
    assert "it is in" not in nowhere.output and "copy old_string exactly" in nowhere.output


async def test_edit_file_identical_or_empty_old_string_is_invalid(run, repo):
    same = await run("edit_file", path="src/app.py", old_string="name", new_string="name")
    empty = await run("edit_file", path="src/app.py", old_string="", new_string="x")
    assert same.kind is empty.kind is ErrorKind.INVALID_ARGUMENTS
    # An identical edit says whether the text is in the file at all: the model sent a line
    # of the test output as both strings (mutate), and "identical" alone was sent again.
    assert "That text is at line 1 of src/app.py" in same.output
    copied = "AssertionError: expected 'hello bob' from greet"
    nowhere = await run("edit_file", path="src/app.py", old_string=copied, new_string=copied)
    assert nowhere.kind is ErrorKind.INVALID_ARGUMENTS
    assert "identical" in nowhere.output and "not in src/app.py" in nowhere.output
    if shutil.which("rg"):  # and where it is, when another file has it
        (repo / "log.txt").write_text("run 1\n" + copied + "\n")
        found = await run("edit_file", path="src/app.py", old_string=copied, new_string=copied)
        assert "not in src/app.py: it is in log.txt:2" in found.output
    assert (repo / "src/app.py").read_text().startswith("def greet(name):")


async def test_grep_finds_matches_with_context_and_globs(run):
    result = await run("grep", pattern="def greet", context=1)
    assert result.ok and result.output.startswith("src/app.py:1:def greet(name):")
    only_md = await run("grep", pattern="demo", glob="*.md")
    assert only_md.output.startswith("README.md:1:")
    assert "no matches" in (await run("grep", pattern="nothing_like_this")).output


async def test_grep_bad_regex_is_invalid_arguments(run):
    result = await run("grep", pattern="(unclosed")
    assert result.kind is ErrorKind.INVALID_ARGUMENTS and "regex" in result.output


async def test_run_command_reports_exit_code_and_output(run):
    result = await run("run_command", command="echo out; echo err >&2; exit 3")
    assert result.ok
    assert result.output.splitlines()[0] == "exit code: 3"
    assert "out" in result.output and "err" in result.output
    silent = await run("run_command", command="true")
    assert silent.output == "exit code: 0\n(no output)"  # not a bare code, as if more were coming


async def test_run_command_timeout_kills_the_whole_process_group(run, repo):
    marker = repo / "survived"
    result = await run(
        "run_command",
        command=f"(sleep 3; touch {marker}) & sleep 30",
        timeout_s=1,
    )
    assert result.kind is ErrorKind.TIMEOUT
    import asyncio

    await asyncio.sleep(3.5)
    assert not marker.exists(), "a background child outlived the timeout"


async def test_run_command_output_is_capped_head_and_tail(run):
    result = await run("run_command", command="seq 1 200000")
    assert result.ok
    assert "bytes of output omitted" in result.output
    assert len(result.output) < 20_000
    assert result.output.rstrip().endswith("200000")


async def test_validation_errors_are_invalid_arguments(run):
    missing = await run("read_file")
    wrong_type = await run("read_file", path="a", start_line="ten")
    assert missing.kind is wrong_type.kind is ErrorKind.INVALID_ARGUMENTS
    assert "path" in missing.output


async def test_unknown_tool_lists_the_known_ones(run):
    result = await run("delete_everything")
    assert result.kind is ErrorKind.INVALID_ARGUMENTS and "read_file" in result.output


async def test_a_bug_in_a_tool_becomes_unknown_with_traceback(ctx, monkeypatch):
    from reins.tools.files import ListDir

    async def broken(self, args, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(ListDir, "run", broken)
    executor = ToolExecutor(build_tools(), ctx)
    (done,) = await executor.run_batch([ToolCall("list_dir", {"path": "."})])
    assert done.result.kind is ErrorKind.UNKNOWN
    assert "bug in reins" in done.result.output
    assert "RuntimeError: boom" in done.result.detail


async def test_flooding_output_cannot_starve_the_timeout(run):
    import time

    start = time.perf_counter()
    result = await run("run_command", command="yes", timeout_s=1)
    assert result.kind is ErrorKind.TIMEOUT and time.perf_counter() - start < 10
    assert len(result.output) < 20_000


async def test_nul_bytes_and_lone_surrogates_are_invalid(run):
    assert (await run("run_command", command="echo a\x00b")).kind is ErrorKind.INVALID_ARGUMENTS
    bad = await run("write_file", path="x.txt", content="\ud800")
    assert bad.kind is ErrorKind.INVALID_ARGUMENTS and "invalid Unicode" in bad.output


async def test_write_file_keeps_the_mode_and_leaves_no_temp_file(run, repo):
    script = repo / "run.sh"
    script.write_text("echo a\n")
    script.chmod(0o750)
    await run("read_file", path="run.sh")
    assert (await run("write_file", path="run.sh", content="echo b\n")).ok
    assert script.stat().st_mode & 0o7777 == 0o750
    assert script.read_text() == "echo b\n"
    assert not [p for p in repo.iterdir() if "reins-tmp" in p.name]


async def test_absolute_paths_inside_the_workspace_work(run, repo):
    result = await run("read_file", path=str(repo / "src/util.py"))
    assert result.ok and "VALUE = 1" in result.output
    assert (await run("write_file", path=str(repo / "abs.txt"), content="x\n")).ok
    assert (repo / "abs.txt").read_text() == "x\n"


async def test_a_symlink_loop_is_a_clear_error(run, repo):
    os.symlink("loop_b", repo / "loop_a")
    os.symlink("loop_a", repo / "loop_b")
    result = await run("read_file", path="loop_a")
    assert result.kind is ErrorKind.UNEXPECTED_ENVIRONMENT
    assert "too many levels of symbolic links" in result.output
    listing = await run("list_dir", path=".")
    assert listing.ok and "loop_a -> (broken symlink)" in listing.output


async def test_glob_semantics_and_pruning(run, repo):
    (repo / "node_modules/pkg").mkdir(parents=True)
    (repo / "node_modules/pkg/index.py").write_text("x")
    (repo / "src/deep/er").mkdir(parents=True)
    (repo / "src/deep/er/mod.py").write_text("x")
    (repo / ".hidden.py").write_text("x")
    everything = (await run("glob", pattern="**/*.py")).output.splitlines()
    assert everything == [".hidden.py", "src/app.py", "src/deep/er/mod.py", "src/util.py"]
    assert (await run("glob", pattern="src/*")).output.splitlines() == [
        "src/app.py", "src/deep/", "src/util.py",
    ]  # fmt: skip
    assert (await run("glob", pattern="src/**")).output.splitlines() == [
        "src/", "src/deep/", "src/deep/er/",
    ]  # fmt: skip
    assert (await run("glob", pattern="src/**/er/*.py")).output == "src/deep/er/mod.py"
    assert (await run("glob", pattern="*/")).output.splitlines() == ["src/"]
    assert (await run("glob", pattern=".")).kind is ErrorKind.INVALID_ARGUMENTS


async def test_list_dir_lists_dirs_first_with_sizes(run, repo):
    listing = await run("list_dir", path=".")
    assert listing.output.splitlines() == [".git/", "src/", "README.md (7 B)"]
    assert (await run("list_dir", path="README.md")).kind is ErrorKind.INVALID_ARGUMENTS
    missing = await run("list_dir", path="srx")
    assert missing.kind is ErrorKind.UNEXPECTED_ENVIRONMENT and "src" in missing.output


async def test_a_command_too_long_for_the_system_is_the_models_mistake(run):
    result = await run("run_command", command="echo " + "x" * 1_000_000)
    assert result.kind is ErrorKind.INVALID_ARGUMENTS
    assert "write_file" in result.output  # says how to do it instead
    result = await run("run_command", command="printf %s " + "y" * 100_000 + " | wc -c")
    assert result.ok and "100000" in result.output  # long, yet within the limit: runs


async def test_a_failed_hunk_is_reported_against_the_file_on_disk(run, repo):
    """Hunk 1 applies in memory, hunk 2 fails: nothing is written, so the report must show
    the file as it is on disk (with its line numbers), not with hunk 1's change in it."""
    (repo / "small.py").write_text("a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n")
    patch = (
        "*** Begin Patch\n*** Update File: small.py\n"
        "@@\n a = 1\n-b = 2\n+b = 20\n+inserted_by_hunk_one = True\n c = 3\n"
        "@@\n-nothing like this\n+e = 50\n"
        "*** End Patch"
    )
    failed = await run("apply_patch", patch=patch)
    assert failed.kind is ErrorKind.INVALID_ARGUMENTS and "NOT applied" in failed.output
    assert "hunk 1 ok" in failed.output and "hunk 2 FAILED" in failed.output
    assert "inserted_by_hunk_one" not in failed.output and "b = 20" not in failed.output
    assert "2| b = 2\n" in failed.output and "5| e = 5" in failed.output  # disk numbering
    assert (repo / "small.py").read_text() == "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n"


async def test_a_hunk_that_only_fits_before_the_earlier_hunks_says_so(run, repo):
    (repo / "small.py").write_text("a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n")
    patch = (
        "*** Begin Patch\n*** Update File: small.py\n"
        "@@\n d = 4\n-e = 5\n+e = 50\n"
        "@@\n a = 1\n-b = 2\n+b = 20\n"
        "*** End Patch"
    )
    failed = await run("apply_patch", patch=patch)
    assert failed.kind is ErrorKind.INVALID_ARGUMENTS and "hunk 2 FAILED" in failed.output
    assert "hunk 2 applies to the file on its own (changing line 2)" in failed.output
    assert "file order" in failed.output
    assert "e = 50" not in failed.output


async def test_edit_file_sent_again_after_it_was_made_says_so(run, repo):
    # `return False` -> `return True` everywhere, then the same call again: the old text is
    # gone because this session replaced it, which is what the answer says.
    (repo / "flags.py").write_text("def a():\n    return False\n\n\ndef b():\n    return False\n")
    call = dict(path="flags.py", old_string="return False", new_string="return True")
    first = await run("edit_file", **call, replace_all=True)
    again = await run("edit_file", **call, replace_all=True)
    assert first.ok and not again.ok
    assert "edited flags.py in 2 places (lines 2, 6)" in first.output
    assert "you made this same edit earlier" in again.output
    assert (repo / "flags.py").read_text().count("return True") == 2
    # An edit never made, whose text is gone, gets the usual answer.
    other = await run("edit_file", path="flags.py", old_string="return None", new_string="x")
    assert "earlier" not in other.output and "was not found" in other.output


async def test_edit_file_refuses_the_same_change_made_again_over_its_own_result(run, repo):
    # seen on mutate: `nth_permutation` -> `nth_permutation_fixed` -> `..._fixed_fixed`, and
    # `log(r) * w` growing `/ 1000` three times, each a new edit the tool applied
    (repo / "m.py").write_text(
        "def perm(it):\n    return log(r) * w\n\n\ndef other():\n    return log(r) * w\n"
    )
    first = await run(
        "edit_file", path="m.py", old_string="def perm(it):", new_string="def perm_fixed(it):"
    )
    again = await run(
        "edit_file",
        path="m.py",
        old_string="def perm_fixed(it):",
        new_string="def perm_fixed_fixed(it):",
    )
    assert first.ok and not again.ok
    assert "same change as an edit you made before (inserting `_fixed`)" in again.output
    assert "NOT applied" in again.output
    grow = dict(path="m.py", old_string="    return log(r) * w\n\n\ndef other")
    scaled = await run(
        "edit_file", **grow, new_string="    return log(r) / 1000 * w\n\n\ndef other"
    )
    twice = await run("edit_file", path="m.py", old_string="return log(r) / 1000 * w\n\n",
                      new_string="return log(r) / 1000 / 1000 * w\n\n")  # fmt: skip
    assert scaled.ok and not twice.ok and "inserting `/ 1000`" in twice.output
    assert (repo / "m.py").read_text() == (
        "def perm_fixed(it):\n    return log(r) / 1000 * w\n\n\ndef other():\n    return log(r) * w\n"
    )
    # The same change on text the earlier edit did not write is a change of its own.
    elsewhere = await run("edit_file", path="m.py", old_string="def other():\n    return log(r) * w",
                          new_string="def other():\n    return log(r) / 1000 * w")  # fmt: skip
    assert elsewhere.ok
    # Undoing a change is not making it again.
    back = await run(
        "edit_file", path="m.py", old_string="def perm_fixed(it):", new_string="def perm(it):"
    )
    assert back.ok


def test_change_of_an_edit_is_what_differs_between_its_strings():
    from reins.tools.edits.same_change import change_of, repeated_change

    assert change_of("total", "total + 10") == ("", " + 10")
    assert change_of("a * b", "a / b") == ("*", "/")
    assert change_of("same", "same") == ("", "")
    # " + 10" after "a" and "+ 10 " after "a +" are the same change, cut elsewhere
    assert repeated_change([("x = a\n", "x = a + 10\n")], "x = a + 10\n", "x = a + 10 + 10\n")
    # too small to tell from an ordinary edit: one character
    assert repeated_change([("f(a)", "f(a,)")], "f(a,)", "f(a,,)") is None


@pytest.mark.skipif(shutil.which("rg") is None, reason="needs ripgrep")
def test_text_elsewhere_names_other_files_only(tmp_path):
    from reins.tools.text_elsewhere import text_elsewhere

    line = "    total = price * quantity + shipping"
    (tmp_path / "a.py").write_text(f"def f():\n{line}\n")
    (tmp_path / "b.py").write_text(f"\n\n{line}\n")
    assert text_elsewhere(tmp_path, line, "c.py") == ["a.py:2", "b.py:3"]
    # The file edited has the line (here named with ./): the rest of old_string is off.
    assert text_elsewhere(tmp_path, line + "\n    return total", "./a.py") == []
    # In more than two files, or too short: says nothing of where it came from.
    (tmp_path / "d.py").write_text(f"{line}\n")
    assert text_elsewhere(tmp_path, line, "c.py") == []
    assert text_elsewhere(tmp_path, "return x", "c.py") == []


@pytest.mark.skipif(shutil.which("rg") is None, reason="needs ripgrep")
def test_text_elsewhere_finds_a_line_the_model_requoted(tmp_path):
    from reins.tools.text_elsewhere import text_elsewhere

    (tmp_path / "test_x.py").write_text('def t(op):\n    assert op in ["SUM",  "MULTIPLY"]\n')
    found = text_elsewhere(tmp_path, "assert op in ['SUM', 'MULTIPLY']", "x.py")
    assert found == ["test_x.py:2"]
    # Regex signs in the line are text, not a pattern.
    (tmp_path / "y.py").write_text("value = price * (1 + rate) ** years\n")
    assert text_elsewhere(tmp_path, "value = price * (1 + rate) ** years", "x.py") == ["y.py:1"]
