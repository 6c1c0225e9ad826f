"""What the model is told about its surroundings, gathered once per session (stable prefix)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path

AGENTS_FILE = "AGENTS.md"
AGENTS_MAX_CHARS = 8000
STATUS_MAX_LINES = 30
FILES_MAX = 60


def _git(repo: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def gather_static_context(repo: Path, today: dt.date | None = None) -> str:
    lines = [
        f"Operating system: {platform.system()} {platform.release()}",
        f"Shell: {Path(os.environ.get('SHELL', 'bash')).name}",
        f"Working directory: {repo}",
        f"Date: {(today or dt.date.today()).isoformat()}",
    ]
    branch = _git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    if branch is not None:
        lines.append(f"Git branch: {branch}")
        status = (_git(repo, "status", "--short") or "").splitlines()
        if status:
            shown = status[:STATUS_MAX_LINES]
            if len(status) > STATUS_MAX_LINES:
                shown.append(f"… {len(status) - STATUS_MAX_LINES} more")
            lines.append("Git status:\n" + "\n".join(shown))
        else:
            lines.append("Git status: clean")
        files = (_git(repo, "ls-files") or "").splitlines()
    else:
        lines.append("Git: not a git repository")
        files = sorted(p.name for p in repo.iterdir() if not p.name.startswith("."))
    if files:
        shown = files[:FILES_MAX]
        more = f"\n… {len(files) - FILES_MAX} more" if len(files) > FILES_MAX else ""
        lines.append("Files:\n" + "\n".join(shown) + more)
    agents = repo / AGENTS_FILE
    if agents.is_file():
        text = agents.read_text("utf-8", errors="replace")
        if len(text) > AGENTS_MAX_CHARS:
            text = text[:AGENTS_MAX_CHARS] + "\n[AGENTS.md truncated]"
        lines.append(f"\n# Project instructions ({AGENTS_FILE})\n{text}")
    return "\n".join(lines)
