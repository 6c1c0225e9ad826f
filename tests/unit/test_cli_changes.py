"""`reins run` shows what changed; `reins undo` and `reins sessions diff` as a script sees them."""

import json

from tests.conftest import write_script
from tests.unit.test_cli import reins


def write_run(repo, tmp_path, *extra):
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [
            {"name": "read_file", "arguments": {"path": "src/util.py"}},  # write_file needs it read
            {"name": "write_file", "arguments": {"path": "src/util.py", "content": "VALUE = 2\nOTHER = 3\n"}},
        ]},
        {"content": "", "tool_calls": [{"name": "write_file", "arguments": {"path": "docs/new.md", "content": "hi\n"}}]},
        {"content": "done"},
    ])  # fmt: skip
    return reins("run", "change things", "--repo", str(repo), "-m", f"scripted:{script}", *extra)


def test_run_summarises_the_changes_and_diff_shows_them(repo, tmp_path):
    proc = write_run(repo, tmp_path, "--diff")
    assert proc.returncode == 0, proc.stderr
    assert "2 files changed (+3 -1)" in proc.stdout
    assert "M src/util.py  +2 -1" in proc.stdout and "A docs/new.md  +1 -0" in proc.stdout
    assert "+OTHER = 3" in proc.stdout and "-VALUE = 1" in proc.stdout


def test_no_checkpoints_runs_without_a_snapshot_to_undo(repo, tmp_path):
    proc = write_run(repo, tmp_path, "--no-checkpoints", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["changes"] == []  # nothing snapshotted, nothing summed up
    assert (repo / "src/util.py").read_text() == "VALUE = 2\nOTHER = 3\n"
    undo = reins("undo", "--repo", str(repo))
    assert undo.returncode != 0 and "nothing to undo" in (undo.stdout + undo.stderr)


def test_undo_puts_back_a_run_and_refuses_after_a_user_edit(repo, tmp_path):
    out = json.loads(write_run(repo, tmp_path, "--json").stdout)
    assert {c["path"] for c in out["changes"]} == {"src/util.py", "docs/new.md"}
    diff = json.loads(reins("sessions", "diff", out["session_id"][:8], "--json").stdout)
    assert "+OTHER = 3" in diff["patch"] and len(diff["changes"]) == 2

    preview = json.loads(reins("undo", "--repo", str(repo), "--dry-run", "--json").stdout)
    assert preview["dry_run"] and {c["path"] for c in preview["restored"]} == {
        "src/util.py",
        "docs/new.md",
    }
    assert (repo / "docs/new.md").exists()  # a dry run changes nothing

    (repo / "src/util.py").write_text("VALUE = 2\nOTHER = 4\n")  # the person edits on top
    refused = reins("undo", "--repo", str(repo))
    assert refused.returncode == 1 and "src/util.py changed again" in refused.stderr
    assert (repo / "docs/new.md").exists()

    done = reins("undo", "--repo", str(repo), "--force", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["session_id"] == out["session_id"] and result["turns"] == [1]
    assert (repo / "src/util.py").read_text() == "VALUE = 1\n"
    assert not (repo / "docs").exists()  # the folder the agent made goes too
    again = reins("undo", "--repo", str(repo))
    assert again.returncode == 1 and "nothing to undo" in again.stderr
    listed = reins("undo", "--list", "--repo", str(repo)).stdout
    assert "change things" in listed and "(undone)" in listed


def test_auto_commit_commits_only_the_agents_files_without_running_hooks(repo, tmp_path):
    import subprocess

    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True).stdout

    (repo / "README.md").write_text("# mine, staged\n")
    git("add", "README.md")
    marker = tmp_path / "hook-ran"
    for name in ("pre-commit", "post-commit", "commit-msg"):  # --no-verify skips only some
        hook = repo / ".git" / "hooks" / name
        hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
        hook.chmod(0o755)
    proc = write_run(repo, tmp_path, "--auto-commit", "--json")
    assert proc.returncode == 0, proc.stderr
    session_id = json.loads(proc.stdout)["session_id"]
    message = git("log", "-1", "--format=%B")
    assert message.startswith("reins: change things") and session_id in message
    assert sorted(git("show", "--name-only", "--format=", "HEAD").split()) == [
        "docs/new.md",
        "src/util.py",
    ]
    assert git("diff", "--cached", "--name-only").split() == [
        "README.md"
    ]  # still staged, not committed
    assert not marker.exists()


def test_auto_commit_skips_what_git_cannot_commit(repo, tmp_path):
    import subprocess

    (repo / "scratch.txt").write_text("untracked, the agent deletes it\n")
    (repo / ".gitignore").write_text("*.log\n")
    script = write_script(tmp_path / "s.jsonl", [
        {"content": "", "tool_calls": [{"name": "run_command", "arguments": {
            "command": "rm scratch.txt && echo noise > build.log && echo 2 > src/util.py"}}]},
        {"content": "done"},
    ])  # fmt: skip
    done = reins("run", "tidy", "--repo", str(repo), "-m", f"scripted:{script}", "--auto-commit",
                 "--sandbox", "full-access", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = subprocess.run(["git", "show", "--name-only", "--format=", "HEAD"], cwd=repo,
                           capture_output=True, text=True).stdout.split()  # fmt: skip
    assert shown == ["src/util.py"]
