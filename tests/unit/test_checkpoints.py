"""Checkpoints and undo: byte-identical restores, refusals, and the user's git left alone."""

import os
import subprocess

import pytest

from reins.checkpoints import CheckpointError, Checkpoints, UndoConflict
from reins.config import Config
from tests.conftest import GIT_ENV, make_repo, write_script


def tree_state(root):
    """Every file and link below root (not .git): type, mode and bytes (or link target)."""
    state = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                state[rel] = ("link", os.readlink(path))
            else:
                mode = os.stat(path).st_mode & 0o777
                state[rel] = ("file", mode, open(path, "rb").read())
        for name in dirs:
            if not os.listdir(os.path.join(folder, name)):
                state[os.path.relpath(os.path.join(folder, name), root) + "/"] = ("empty dir",)
    return state


def plain_folder(path):
    path.mkdir()
    (path / "notes.txt").write_text("keep me\n")
    (path / "lib").mkdir()
    (path / "lib" / "core.py").write_text("def f():\n    return 1\n")
    (path / "data.bin").write_bytes(bytes(range(256)) * 4)
    return path


@pytest.fixture(params=["git", "plain"])
def workdir(request, tmp_path):
    if request.param == "git":
        root = make_repo(
            tmp_path / "repo", {"notes.txt": "keep me\n", "lib/core.py": "def f():\n    return 1\n"}
        )
        (root / "data.bin").write_bytes(bytes(range(256)) * 4)  # untracked binary
        return root
    return plain_folder(tmp_path / "plain")


def agent_changes(root):
    (root / "lib" / "core.py").write_text("def f():\n    return 2\n")  # modify
    (root / "notes.txt").unlink()  # delete
    (root / "lib" / "core.py").rename(root / "lib" / "engine.py")  # rename
    (root / "data.bin").write_bytes(b"\x00\xff" * 1000)  # binary
    (root / "new" / "deep").mkdir(parents=True)
    (root / "new" / "deep" / "made.py").write_text("x = 1\n")  # create in new folders
    (root / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(root / "run.sh", 0o755)  # executable
    os.symlink("lib/engine.py", root / "link.py")  # symlink


def test_undo_restores_a_byte_identical_tree(workdir):
    before = tree_state(workdir)
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "refactor")
    agent_changes(workdir)
    after = tree_state(workdir)
    changes = {c.path: c.status for c in checkpoints.end_turn("s1", 1)}
    assert changes == {
        "data.bin": "modified", "lib/core.py": "deleted", "lib/engine.py": "added",
        "link.py": "added", "new/deep/made.py": "added", "notes.txt": "deleted",
        "run.sh": "added",
    }  # fmt: skip
    result = checkpoints.undo("s1")
    assert tree_state(workdir) == before
    assert result.turns == [1] and len(result.restored) == 7
    # The replaced state was kept: undoing the undo is possible.
    checkpoints.shadow.restore(result.kept, [c.path for c in result.restored])
    assert tree_state(workdir) == after


def test_turns_undo_one_at_a_time_then_from_turn_n(workdir):
    checkpoints = Checkpoints(workdir)
    states = [tree_state(workdir)]
    for turn in (1, 2, 3):
        checkpoints.begin_turn("s1", turn, f"turn {turn}")
        (workdir / f"t{turn}.txt").write_text(f"{turn}\n")
        (workdir / "notes.txt").write_text(f"edited in {turn}\n")
        checkpoints.end_turn("s1", turn)
        states.append(tree_state(workdir))
    assert checkpoints.undo("s1").turns == [3]
    assert tree_state(workdir) == states[2]
    assert checkpoints.undo("s1", from_turn=1).turns == [1, 2]
    assert tree_state(workdir) == states[0]
    with pytest.raises(CheckpointError, match="nothing to undo"):
        checkpoints.undo("s1")


def test_a_turn_that_changed_nothing_leaves_no_checkpoint(workdir):
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "just look")
    assert checkpoints.end_turn("s1", 1) == []
    assert checkpoints.turns() == []


def test_undo_refuses_when_the_user_edited_a_changed_file_since(workdir):
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "edit")
    (workdir / "notes.txt").write_text("agent\n")
    (workdir / "agent.txt").write_text("new\n")
    checkpoints.end_turn("s1", 1)
    (workdir / "notes.txt").write_text("agent, then the user\n")  # same file: conflict
    (workdir / "mine.txt").write_text("user's own file\n")  # other file: kept
    with pytest.raises(UndoConflict) as refused:
        checkpoints.undo("s1")
    assert refused.value.paths == ["notes.txt"] and "--force" in str(refused.value)
    assert (workdir / "agent.txt").exists()  # a refusal changes nothing
    (workdir / "notes.txt").write_text("agent\n")  # the user puts it back: undo may go on
    checkpoints.undo("s1")
    assert (workdir / "notes.txt").read_text() == "keep me\n"
    assert not (workdir / "agent.txt").exists()
    assert (workdir / "mine.txt").read_text() == "user's own file\n"


def test_forced_undo_keeps_what_it_replaces(workdir):
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "edit")
    (workdir / "notes.txt").write_text("agent\n")
    checkpoints.end_turn("s1", 1)
    (workdir / "notes.txt").write_text("user\n")
    result = checkpoints.undo("s1", force=True)
    assert (workdir / "notes.txt").read_text() == "keep me\n"
    kept = checkpoints.shadow.git("show", f"{result.kept}:notes.txt")
    assert kept == "user\n"


def git_state(repo):
    def run(*args):  # GIT_OPTIONAL_LOCKS=0: this check's own status must not refresh the index
        env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
        return subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, env=env
        ).stdout

    index = (repo / ".git" / "index").read_bytes()
    return (run("status", "--porcelain", "--untracked-files=all"), run("for-each-ref"),
            run("stash", "list"), run("rev-parse", "HEAD"), run("count-objects"), index)  # fmt: skip


def test_the_users_git_is_never_touched(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.py": "a = 1\n", ".gitignore": "build/\n"})
    (repo / "build").mkdir()
    (repo / "build" / "out.o").write_bytes(b"\x7fELF")
    (repo / "wip.txt").write_text("untracked work\n")
    checkpoints = Checkpoints(repo)
    checkpoints.begin_turn("s1", 1, "x")
    (repo / "a.py").write_text("a = 2\n")
    (repo / "build" / "out.o").write_bytes(b"rebuilt")
    state = git_state(repo)
    changes = checkpoints.end_turn("s1", 1)
    assert [c.path for c in changes] == ["a.py"]  # ignored files are not checkpointed
    checkpoints.undo("s1")
    assert (repo / "a.py").read_text() == "a = 1\n"
    after = git_state(repo)
    assert after[1:] == state[1:]  # refs, stash, HEAD, objects and index bytes unchanged
    assert after[0] == "?? wip.txt\n"  # status as before the turn
    assert (repo / "build" / "out.o").read_bytes() == b"rebuilt"  # ignored: left alone


async def test_the_repos_config_cannot_make_checkpoints_or_undo_run_a_program(tmp_path, store):
    """Through a whole session: the first checkpoint counts the repo's files with git,
    so the repo's own config (core.fsmonitor, filters, textconv) must be ignored."""
    from reins.agent.builder import open_session

    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    marker = tmp_path / "ran"
    (repo / ".gitattributes").write_text("* filter=evil diff=evil\n")
    env = {**os.environ, **GIT_ENV}
    for key, value in [("filter.evil.clean", f"touch {marker}; cat"), ("core.fsmonitor", f"touch {marker}"),
                       ("diff.evil.textconv", f"touch {marker}; cat")]:  # fmt: skip
        subprocess.run(["git", "config", key, value], cwd=repo, env=env, check=True)
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "a.txt"}},
                                       {"name": "write_file", "arguments": {"path": "a.txt", "content": "b\n"}}]},
        {"content": "done"},
    ])  # fmt: skip
    session = open_session(repo, Config(model=f"scripted:{script}", sandbox="full-access"), store)
    async with session:
        outcome = await session.run("change a")
    assert outcome.changes and outcome.changes[0]["path"] == "a.txt"
    checkpoints = Checkpoints(repo)
    checkpoints.shadow.patch(checkpoints.turns()[0].before, checkpoints.turns()[0].after)
    checkpoints.undo(session.id)
    assert (repo / "a.txt").read_text() == "a\n"
    assert not marker.exists()


def test_odd_file_names_are_files_not_patterns(workdir):
    names = [":odd", "*.txt", "[ab].py", "a b ünï.md", "-dash", ":(glob)x"]
    for name in names:
        (workdir / name).write_text(f"{name} before\n")
    before = tree_state(workdir)
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "rename odd files")
    for name in names:
        (workdir / name).write_text(f"{name} after\n")
    (workdir / "notes.txt").unlink()
    checkpoints.end_turn("s1", 1)
    checkpoints.undo("s1")
    assert tree_state(workdir) == before


def test_a_folder_the_user_made_where_the_agent_deleted_a_file_is_a_conflict(workdir):
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "delete notes")
    (workdir / "notes.txt").unlink()
    checkpoints.end_turn("s1", 1)
    (workdir / "notes.txt").mkdir()
    (workdir / "notes.txt" / "mine.md").write_text("the user's work\n")
    with pytest.raises(UndoConflict) as refused:
        checkpoints.undo("s1")
    assert refused.value.paths == ["notes.txt"]
    assert (workdir / "notes.txt" / "mine.md").read_text() == "the user's work\n"
    with pytest.raises(CheckpointError, match="a folder is there now"):
        checkpoints.undo("s1", force=True)  # even forced, a folder is never deleted
    assert (workdir / "notes.txt" / "mine.md").exists()


def test_a_failed_restore_is_not_recorded_as_undone(workdir, monkeypatch):
    import pathlib

    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "add a file in a new folder")
    (workdir / "new").mkdir()
    (workdir / "new" / "made.txt").write_text("x\n")
    checkpoints.end_turn("s1", 1)
    real_unlink = pathlib.Path.unlink

    def refuse(path, missing_ok=False):  # as a read-only folder would (root ignores modes)
        if path.name == "made.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_unlink(path, missing_ok=missing_ok)

    with monkeypatch.context() as patched:
        patched.setattr(pathlib.Path, "unlink", refuse)
        with pytest.raises(CheckpointError, match="cannot delete .*made.txt: Permission denied"):
            checkpoints.undo("s1")
    assert checkpoints.turns()[0].undone is None  # so it can be retried
    checkpoints.undo("s1")
    assert not (workdir / "new").exists()


def test_a_killed_turn_is_undone_only_when_forced(workdir):
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "killed midway")
    (workdir / "notes.txt").write_text("agent\n")  # no end_turn: the process died
    with pytest.raises(CheckpointError, match="never finished"):
        checkpoints.undo("s1")
    result = checkpoints.undo("s1", force=True)
    assert (workdir / "notes.txt").read_text() == "keep me\n" and result.notes


def test_another_sessions_later_change_to_the_same_file_is_a_conflict(workdir):
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("a", 1, "a edits")
    (workdir / "notes.txt").write_text("from a\n")
    checkpoints.end_turn("a", 1)
    checkpoints.begin_turn("b", 1, "b edits the same file")
    (workdir / "notes.txt").write_text("from b\n")
    checkpoints.end_turn("b", 1)
    with pytest.raises(UndoConflict):
        checkpoints.undo("a")
    checkpoints.undo("b")  # the later session's own turn is fine
    assert (workdir / "notes.txt").read_text() == "from a\n"


def test_nested_repositories_do_not_break_checkpoints(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.txt": "a\n"})
    (repo / "vendored").mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo / "vendored", check=True)  # no commit yet
    (repo / "vendored" / "lib.py").write_text("x = 1\n")
    checkpoints = Checkpoints(repo)
    checkpoints.begin_turn("s1", 1, "edit")
    (repo / "a.txt").write_text("b\n")
    assert [c.path for c in checkpoints.end_turn("s1", 1)] == ["a.txt"]
    checkpoints.undo("s1")
    assert (repo / "a.txt").read_text() == "a\n"


def test_old_checkpoints_are_pruned(workdir):
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "edit")
    (workdir / "notes.txt").write_text("x\n")
    checkpoints.end_turn("s1", 1)
    assert checkpoints.prune(older_than_days=1) == 0
    assert checkpoints.prune(older_than_days=-1) == 1 and checkpoints.turns() == []


async def test_a_session_checkpoints_turns_that_change_files_only(repo, store, tmp_path):
    from reins.agent.builder import open_session

    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "src/util.py"}}]},
        {"content": "looked"},
        {"content": "", "tool_calls": [{"name": "write_file", "arguments": {"path": "src/util.py", "content": "VALUE = 2\n"}}]},
        {"content": "changed"},
    ])  # fmt: skip
    session = open_session(repo, Config(model=f"scripted:{script}"), store, title="t")
    async with session:
        read = await session.run("what is VALUE?")
        wrote = await session.run("set VALUE to 2")
    assert read.changes == [] and Checkpoints(repo).turns(session.id)[0].turn == 2
    assert wrote.changes == [
        {"path": "src/util.py", "status": "modified", "added": 1, "removed": 1}
    ]
    Checkpoints(repo).undo(session.id)
    assert (repo / "src/util.py").read_text() == "VALUE = 1\n"


@pytest.mark.parametrize("kind", ["git", "plain"])
async def test_files_ignore_rules_leave_out_are_undone_too_when_the_agent_edits_them(
    kind, store, tmp_path
):
    # a snapshot honours .gitignore, so an ignored file the agent rewrote had no copy kept
    from reins.agent.builder import open_session

    files = {".gitignore": "config.local\n.env\nmade.local\n", "app.py": "x = 1\n",
             "config.local": "token = mine\n", ".env": "KEY=1\n"}  # fmt: skip
    if kind == "git":
        root = make_repo(tmp_path / "repo", files)
    else:
        root = tmp_path / "plain"
        root.mkdir()
        for name, text in files.items():
            (root / name).write_text(text)

    def write(path, content):  # read first where it exists: write_file needs it seen
        call = {"name": "write_file", "arguments": {"path": path, "content": content}}
        read = {"name": "read_file", "arguments": {"path": path}}
        return {"content": "", "tool_calls": [read, call] if path in files else [call]}

    edit_env = {
        "content": "",
        "tool_calls": [
            {
                "name": "edit_file",
                "arguments": {"path": ".env", "old_string": "KEY=1", "new_string": "KEY=2"},
            }
        ],
    }
    script = write_script(tmp_path / "s.jsonl", [
        write("config.local", "token = clobbered\n"), write("app.py", "x = 2\n"), edit_env,
        write("made.local", "new\n"), {"content": "done"},
    ])  # fmt: skip
    before = tree_state(root)
    session = open_session(root, Config(model=f"scripted:{script}"), store, title="t")
    async with session:
        outcome = await session.run("change things")
    assert {c["path"] for c in outcome.changes} == {"config.local", "app.py", ".env", "made.local"}
    assert (root / ".env").read_text() == "KEY=2\n"
    Checkpoints(root).undo(session.id)
    assert tree_state(root) == before  # the ignored files back, the new one gone


async def test_checkpoints_can_be_turned_off(repo, store, tmp_path):
    from reins.agent.builder import open_session

    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "write_file", "arguments": {"path": "x.txt", "content": "x"}}]},
        {"content": "done"},
    ])  # fmt: skip
    session = open_session(repo, Config(model=f"scripted:{script}", checkpoints=False), store)
    async with session:
        outcome = await session.run("write x")
    assert outcome.changes == [] and Checkpoints(repo).turns() == []


def test_undo_on_a_real_source_tree(tmp_path):
    """rich's own source (about 80 files, a real project), as a git repository: a mixed turn
    of edits, a rename, deletions, a new binary and unicode/space names is undone exactly."""
    import shutil

    import rich

    repo = tmp_path / "rich-copy"
    shutil.copytree(os.path.dirname(rich.__file__), repo / "rich",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    make_repo(repo, {"README.md": "# copy\n"})
    before = tree_state(repo)
    checkpoints = Checkpoints(repo)
    checkpoints.begin_turn("s1", 1, "refactor rich")
    console = repo / "rich" / "console.py"
    console.write_text(console.read_text().replace("class Console:", "class Terminal:"))
    (repo / "rich" / "table.py").rename(repo / "rich" / "tables.py")
    (repo / "rich" / "markdown.py").unlink()
    shutil.rmtree(repo / "rich" / "_unicode_data", ignore_errors=True)
    (repo / "rich" / "logo.png").write_bytes(bytes(range(256)) * 64)
    (repo / "rich" / "naïve name with spaces.txt").write_text("ünïcödé\n")
    checkpoints.end_turn("s1", 1)
    assert tree_state(repo) != before
    checkpoints.undo("s1")
    assert tree_state(repo) == before


def test_a_session_that_began_earlier_and_ran_alongside_is_a_conflict(workdir):
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("b", 1, "b starts first")
    checkpoints.begin_turn("a", 1, "a starts second")
    (workdir / "a_work.py").write_text("a\n")
    (workdir / "b_work.py").write_text("b\n")  # b's work lands inside a's turn
    checkpoints.end_turn("b", 1)
    checkpoints.end_turn("a", 1)
    with pytest.raises(UndoConflict) as refused:
        checkpoints.undo("a")
    assert "b_work.py" in refused.value.paths
    assert (workdir / "b_work.py").exists()


def test_control_characters_in_a_request_do_not_break_checkpoints(workdir):
    checkpoints = Checkpoints(workdir)
    checkpoints.begin_turn("s1", 1, "odd\x01request\x00with\ncontrols")
    (workdir / "notes.txt").write_text("x\n")
    checkpoints.end_turn("s1", 1)
    (cp,) = checkpoints.turns()
    assert cp.title == "odd request with controls" and cp.ended is not None
    checkpoints.undo("s1")
    assert (workdir / "notes.txt").read_text() == "keep me\n"


def test_restores_ignore_the_trees_line_ending_rules(tmp_path):
    repo = make_repo(
        tmp_path / "repo", {"a.txt": "one\ntwo\n", ".gitattributes": "*.txt text eol=crlf\n"}
    )
    (repo / "a.txt").write_bytes(b"one\ntwo\n")
    checkpoints = Checkpoints(repo)
    checkpoints.begin_turn("s1", 1, "edit")
    (repo / "a.txt").write_bytes(b"changed\n")
    checkpoints.end_turn("s1", 1)
    checkpoints.undo("s1")
    assert (repo / "a.txt").read_bytes() == b"one\ntwo\n"  # not CRLF
