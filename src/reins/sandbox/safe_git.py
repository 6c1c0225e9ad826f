"""reins' own git calls, hardened: a repository's config cannot make them run a program.

A repo's .git/config (or a file it includes) can name programs git runs by itself:
core.fsmonitor on every status, filter drivers on files whose stat changed, hooks such as
post-index-change, pagers, external diff, textconv, credential helpers. A model with a
shell can write all of those, so every call here overrides them on the command line
(which wins over config files), takes no optional locks (so writes no index, so runs no
hook) and, where bubblewrap works, runs in a read-only sandbox with no network as well.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

TIMEOUT_S = 5.0

FIXED_OVERRIDES = {
    "core.fsmonitor": "false",
    "core.hooksPath": "/dev/null",
    "core.pager": "cat",
    "core.editor": "true",
    "core.askPass": "",
    "core.sshCommand": "false",
    "core.gitProxy": "",
    "diff.external": "",
    "credential.helper": "",
    "gpg.program": "false",
    "sequence.editor": "true",
    "protocol.allow": "never",
    "submodule.recurse": "false",
}
# Per-name settings that hold a program to run; each one found in the config is blanked.
PROGRAM_KEY = re.compile(
    r"^(filter\..+\.(clean|smudge|process)|diff\..+\.(textconv|command)|merge\..+\.driver"
    r"|gpg\..+\.program|credential\..+\.helper|alias\..+|remote\..+\.(uploadpack|receivepack|vcs))$",
    re.IGNORECASE,
)


def hardened_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_ASKPASS="",
        SSH_ASKPASS="",
    )
    return env


def _argv(repo: Path, args: tuple[str, ...], overrides: dict[str, str]) -> list[str]:
    flags = [f for key, value in overrides.items() for f in ("-c", f"{key}={value}")]
    return ["git", "--no-pager", "-C", str(repo), *flags, *args]


def _run(argv: list[str], repo: Path, sandboxed: bool, timeout_s: float = TIMEOUT_S,
         errors: str = "replace") -> subprocess.CompletedProcess | None:  # fmt: skip
    if sandboxed:
        from reins.sandbox.factory import probe_bwrap

        features = probe_bwrap()
        if features is not None:
            from reins.sandbox.bwrap import BubblewrapSandbox

            box = BubblewrapSandbox(str(repo), writable=False, features=features)
            argv = box.argv_exec(argv, str(repo))
    try:
        return subprocess.run(
            argv, cwd=repo, capture_output=True, text=True, errors=errors,
            timeout=timeout_s, env=hardened_env(), stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None


def program_overrides(repo: Path) -> dict[str, str]:
    """Blank every program-valued key the repo's effective config sets."""
    listed = _run(_argv(repo, ("config", "--list", "--null"), FIXED_OVERRIDES), repo, False)
    found: dict[str, str] = {}
    if listed is None or listed.returncode != 0:
        return found
    for entry in listed.stdout.split("\0"):
        key = entry.split("\n", 1)[0]
        if PROGRAM_KEY.match(key):
            found[key] = ""
    return found


def hardened_overrides(repo: Path) -> dict[str, str]:
    """Every `-c` override a git call in this repo needs (fixed ones and the repo's own)."""
    return {**FIXED_OVERRIDES, **program_overrides(repo)}


def git_call(repo: Path, *args: str, sandboxed: bool = True, timeout_s: float = TIMEOUT_S,
             errors: str = "replace") -> tuple[int, str, str]:  # fmt: skip
    """(exit code, stdout, stderr) of `git ARGS` in repo; exit code -1 if git could not run
    (or ran past timeout_s). Never runs a program the repository's config names.
    errors="surrogateescape" keeps file names that are not UTF-8 round-trippable."""
    overrides = hardened_overrides(repo)
    done = _run(_argv(repo, args, overrides), repo, sandboxed, timeout_s, errors)
    if done is None:
        return -1, "", "git could not run"
    return done.returncode, done.stdout, done.stderr


def run_git(repo: Path, *args: str, sandboxed: bool = True,
            overrides: dict[str, str] | None = None) -> str | None:  # fmt: skip
    """stdout of `git ARGS` in repo, or None if git failed or is missing. Never runs a
    program the repository's config names. `overrides` (from `hardened_overrides`) saves
    reading the repo's config again when one caller runs several commands."""
    if overrides is None:
        overrides = hardened_overrides(repo)
    done = _run(_argv(repo, args, overrides), repo, sandboxed)
    if done is None or done.returncode != 0:
        return None
    return done.stdout.strip()
