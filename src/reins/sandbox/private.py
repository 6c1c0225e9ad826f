"""Paths a sandboxed command must not read: reins' own state and the usual credential stores.

The sandbox mounts the host read-only, which stops writes, not reads. These are hidden
behind an empty tmpfs (directories) or /dev/null (files), so `cat ~/.ssh/id_ed25519` or a
copy of another session's log finds nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

# Relative to $HOME. Credentials of common tools; reins' config (trust decisions) and data.
HOME_SECRETS = (
    ".ssh", ".aws", ".azure", ".gnupg", ".kube", ".docker", ".netrc", ".git-credentials",
    ".pypirc", ".npmrc", ".yarnrc", ".gem/credentials", ".cargo/credentials",
    ".cargo/credentials.toml", ".terraform.d/credentials.tfrc.json", ".vault-token",
    ".config/gcloud", ".config/gh", ".config/hub", ".config/rclone", ".config/reins",
    ".local/share/reins", ".cache/reins", ".bash_history", ".zsh_history",
    ".python_history", ".psql_history", ".mysql_history",
)  # fmt: skip


def reins_state_dirs() -> list[Path]:
    """Where reins keeps sessions, caches, indexes and config, wherever they were moved."""
    from platformdirs import user_cache_dir, user_config_dir, user_data_dir

    dirs = [
        os.environ.get("REINS_DATA_DIR") or user_data_dir("reins"),
        os.environ.get("REINS_CACHE_DIR") or user_cache_dir("reins"),
        os.environ.get("REINS_INDEX_DIR"),
        Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "reins",
        user_config_dir("reins"),
    ]
    return [Path(d) for d in dirs if d]


def private_paths(extra: tuple[str, ...] = ()) -> list[Path]:
    """Existing paths to hide, resolved, without duplicates; `extra`: the caller's own
    (the bench hides its suite, so an agent cannot read the tests or the solution)."""
    home = Path(os.environ.get("HOME") or Path.home())
    found: dict[str, Path] = {}
    for path in [*(home / name for name in HOME_SECRETS), *reins_state_dirs(), *map(Path, extra)]:
        try:
            real = Path(os.path.realpath(path))
        except OSError:
            continue
        if real.exists() and real != Path("/"):
            found[str(real)] = real
    paths = sorted(found.values())
    # A path inside another hidden one is hidden with it (and could not be mounted on).
    return [p for p in paths if not any(p != q and p.is_relative_to(q) for q in paths)]
