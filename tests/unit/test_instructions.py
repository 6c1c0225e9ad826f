"""Project instructions: the root's AGENTS.md (CLAUDE.md as a fallback) in the system
prompt; a sub-folder's shown once, when the agent first touches a file under it."""

import os

from reins.agent.builder import open_session
from reins.agent.static_context import gather_static_context
from reins.config import Config
from tests.conftest import write_script


def test_claude_md_is_the_fallback_at_the_root(repo):
    (repo / "CLAUDE.md").write_text("Use tabs.\n")
    assert "# Project instructions (CLAUDE.md)\nUse tabs." in gather_static_context(repo)
    (repo / "AGENTS.md").write_text("Use spaces.\n")
    context = gather_static_context(repo)
    assert "(AGENTS.md)\nUse spaces." in context and "Use tabs." not in context


async def test_a_sub_folders_instructions_come_with_the_first_touch(repo, store, tmp_path):
    (repo / "src" / "AGENTS.md").write_text("In src/, every function has a docstring.\n")
    (repo / "src" / "deep").mkdir()
    (repo / "src" / "deep" / "CLAUDE.md").write_text("deep rules\n")
    (repo / "src" / "deep" / "x.py").write_text("x = 1\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n")
    (repo / "docs").mkdir()
    os.symlink(secret, repo / "docs" / "AGENTS.md")  # a link out of the repo is ignored
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "src/util.py"}}]},
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "src/app.py"}}]},
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "src/deep/x.py"}}]},
        {"content": "", "tool_calls": [{"name": "write_file", "arguments": {"path": "docs/a.md", "content": "a\n"}}]},
        {"content": "done"},
    ])  # fmt: skip
    session = open_session(repo, Config(model=f"scripted:{script}"), store)
    async with session:
        await session.run("look around")
    results = [m.content for m in session.history if m.role == "tool"]
    assert "[src/AGENTS.md: instructions for the files in this folder]" in results[0]
    assert "every function has a docstring" in results[0]
    assert "docstring" not in results[1]  # shown once
    assert "[src/deep/CLAUDE.md" in results[2] and "deep rules" in results[2]
    assert "docstring" not in results[2]
    assert all("TOP SECRET" not in r for r in results)


async def test_patches_and_folder_arguments_bring_their_instructions(repo, store, tmp_path):
    (repo / "api").mkdir()
    (repo / "api" / "AGENTS.md").write_text("api: keep handlers small\n")
    (repo / "web").mkdir()
    (repo / "web" / "AGENTS.md").write_text("web: no inline styles\n")
    patch = "*** Begin Patch\n*** Add File: api/h.py\n+x = 1\n*** End Patch"
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "apply_patch", "arguments": {"patch": patch}}]},
        {"content": "", "tool_calls": [{"name": "list_dir", "arguments": {"path": "web"}}]},
        {"content": "done"},
    ])  # fmt: skip
    session = open_session(repo, Config(model=f"scripted:{script}"), store)
    async with session:
        await session.run("work")
    results = [m.content for m in session.history if m.role == "tool"]
    assert "keep handlers small" in results[0]
    assert "no inline styles" in results[1]


async def test_a_path_too_long_for_the_file_system_is_an_error_not_a_crash(repo, store, tmp_path):
    """The fuzz campaign's find: a 300-character name made the folder lookup raise
    ENAMETOOLONG after the tool had already failed cleanly, ending the session."""
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "a" * 300}}]},
        {"content": "done"},
    ])  # fmt: skip
    session = open_session(repo, Config(model=f"scripted:{script}"), store)
    async with session:
        outcome = await session.run("read it")
    assert outcome.status == "completed"
    (result,) = [m.content for m in session.history if m.role == "tool"]
    assert "error" in result.lower()


async def test_no_diff_is_computed_when_nobody_is_asked(ctx):
    asked = []
    await ctx.authorize_write("a.py", lambda: asked.append(1) or "diff")
    assert asked == []  # workspace-write: no approval, so no diff work on every edit


def test_the_context_names_the_branch_and_changes_even_before_the_first_commit(tmp_path):
    import subprocess

    repo = tmp_path / "fresh"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "work"], cwd=repo, check=True)
    (repo / "a.py").write_text("x = 1\n")
    context = gather_static_context(repo)
    assert "Git branch: work" in context and "?? a.py" in context
    assert "not a git repository" not in context


def test_branch_names_from_status_headers():
    from reins.agent.static_context import branch_name

    assert branch_name("## main...origin/main [ahead 1]") == "main"
    assert branch_name("## feature/x") == "feature/x"
    assert branch_name("## No commits yet on trunk") == "trunk"
    assert branch_name("## HEAD (no branch)") == "HEAD (detached)"
