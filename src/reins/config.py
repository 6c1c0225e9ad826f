"""Settings: ~/.config/reins/config.toml, then the repo's .reins/config.toml (repo wins), then flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from reins.models.spec import DEFAULT_MODEL


class ConfigError(ValueError):
    pass


@dataclass
class Config:
    model: str = DEFAULT_MODEL
    profile: str | None = None
    max_steps: int = 40
    max_tokens: int | None = None
    max_wall_s: float | None = None
    sandbox: str = "workspace-write"  # read-only | workspace-write | full-access
    allow_network: bool = False
    command_timeout_s: float = 120.0
    max_retries: int = 4
    # Per-profile overrides, e.g. [profiles.qwen] temperature = 0.0
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Codebase search, e.g. [index] embeddings = "openai-compat" (see reins.index.embed.factory)
    index: dict[str, Any] = field(default_factory=dict)

    def with_flags(self, **flags: Any) -> Config:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({k: v for k, v in flags.items() if v is not None})
        return Config(**values)


def user_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "reins" / "config.toml"


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error


def load_config(repo: Path) -> Config:
    merged: dict[str, Any] = {}
    for path in (user_config_path(), repo / ".reins" / "config.toml"):
        data = _read(path)
        known = {f.name for f in fields(Config)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(
                f"{path}: unknown setting(s) {sorted(unknown)}; known: {sorted(known)}"
            )
        profiles = {**merged.get("profiles", {}), **data.pop("profiles", {})}
        merged.update(data)
        merged["profiles"] = profiles
    try:
        return Config(**merged)
    except TypeError as error:
        raise ConfigError(f"bad configuration: {error}") from error
