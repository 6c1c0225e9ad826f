"""What the model is told about its surroundings, gathered once per session (stable prefix)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import stat
from pathlib import Path

from reins.sandbox.safe_git import hardened_overrides, run_git

AGENTS_FILE = "AGENTS.md"
INSTRUCTION_FILES = (AGENTS_FILE, "CLAUDE.md")  # the first one a folder has is used
AGENTS_MAX_CHARS = 8000
STATUS_MAX_LINES = 30
FILES_MAX = 60


def gather_static_context(repo: Path, today: dt.date | None = None) -> str:
    lines = [
        f"Operating system: {platform.system()} {platform.release()}",
        f"Shell: {Path(os.environ.get('SHELL', 'bash')).name}",
        f"Working directory: {repo}",
        f"Date: {(today or dt.date.today()).isoformat()}",
    ]
    overrides = hardened_overrides(repo)
    # one status call gives the branch too (and, unlike rev-parse, works before any commit)
    status = run_git(repo, "status", "--porcelain", "--branch", "--ignore-submodules=all",
                     overrides=overrides)  # fmt: skip
    if status is not None:
        header, *changes = status.splitlines() or [""]
        lines.append(f"Git branch: {branch_name(header)}")
        if changes:
            shown = changes[:STATUS_MAX_LINES]
            if len(changes) > STATUS_MAX_LINES:
                shown.append(f"… {len(changes) - STATUS_MAX_LINES} more")
            lines.append("Git status:\n" + "\n".join(shown))
        else:
            lines.append("Git status: clean")
        files = (run_git(repo, "ls-files", overrides=overrides) or "").splitlines()
    else:
        lines.append("Git: not a git repository")
        files = sorted(p.name for p in repo.iterdir() if not p.name.startswith("."))
    if files:
        shown = files[:FILES_MAX]
        more = f"\n… {len(files) - FILES_MAX} more" if len(files) > FILES_MAX else ""
        lines.append("Files:\n" + "\n".join(shown) + more)
    found = read_instructions(repo, repo)
    if found is not None:
        name, text = found
        lines.append(f"\n# Project instructions ({name})\n{text}")
    return "\n".join(lines)


def branch_name(header: str) -> str:
    """The branch from `git status --porcelain --branch`'s first line: "## main...origin/main
    [ahead 1]", "## No commits yet on main", "## HEAD (no branch)"."""
    name = header.removeprefix("## ").removeprefix("No commits yet on ")
    if name.startswith("HEAD (no branch)"):
        return "HEAD (detached)"
    return name.split("...", 1)[0].split(" [", 1)[0].strip() or "unknown"


def read_instructions(repo: Path, folder: Path) -> tuple[str, str] | None:
    """(file name, text) of the folder's AGENTS.md, else its CLAUDE.md; None if neither."""
    for name in INSTRUCTION_FILES:
        text = read_agents_file(repo, folder / name)
        if text is not None:
            return name, text
    return None


def read_agents_file(repo: Path, path: Path | None = None) -> str | None:
    """An instructions file (default: the repo's AGENTS.md), if it is a regular file inside
    the repo: a link to ~/.ssh/id_rsa or a FIFO must not end up in (or hang) the prompt
    sent to the provider."""
    path = path or repo / AGENTS_FILE
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(repo.resolve()):
        return None
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = handle.read(AGENTS_MAX_CHARS * 4 + 1)
    text = data.decode("utf-8", errors="replace")
    if len(text) > AGENTS_MAX_CHARS:
        text = text[:AGENTS_MAX_CHARS] + f"\n[{path.name} truncated]"
    return text
