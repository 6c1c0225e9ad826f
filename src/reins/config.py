"""Settings: ~/.config/reins/config.toml, then the repo's .reins/config.toml (repo wins), then flags.

A repository is not the user. Whoever wrote its .reins/config.toml (a colleague, a
dependency, the model in an earlier session) could loosen the sandbox, send the code to
their own endpoint, or pick which secret is sent with it. So a repo config may set only
the harmless limits in REPO_SAFE_KEYS on its own; anything else applies once the user has
trusted that exact file (`reins trust`, or the prompt in chat). Trust is bound to the
file's content: any change to it, by anyone, asks again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import time
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from reins.models.spec import DEFAULT_MODEL

# A repo config may set these without trust: they bound or repeat a run, they grant nothing.
REPO_SAFE_KEYS = frozenset(
    {"max_steps", "max_tokens", "max_wall_s", "command_timeout_s", "max_retries", "profile",
     "seed", "prompt_date"}
)  # fmt: skip


class ConfigError(ValueError):
    pass


class UntrustedRepoConfig(ConfigError):
    """The repo's config asks for settings that need the user's consent."""

    def __init__(self, repo_config: RepoConfig):
        self.repo_config = repo_config
        keys = ", ".join(repo_config.sensitive_keys)
        super().__init__(
            f"{repo_config.path} sets {keys}, which a repository may not change without your "
            f"consent (sandbox, network, model endpoint, secrets). Review the file, then run "
            f"`reins trust --repo {repo_config.repo}` to allow it; it is asked again whenever "
            "the file changes."
        )


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
    # Snapshot the working tree before each turn's first change so it can be undone
    # (`reins undo`); the lab turns it off for its throwaway trial copies.
    checkpoints: bool = True
    # Commit the files each turn changed to the current branch (`--auto-commit`).
    auto_commit: bool = False
    # The lab only: best-of-n sessions per trial, checked by the task's visible tests
    # (reins.evals.attempts); a variant sets it (`--variant best3:attempts=3`).
    attempts: int = 1
    # The local model's sampling seed (default 1234, or REINS_LOCAL_SEED): a run repeats
    # exactly with the same one; the lab gives each best-of-n attempt its own.
    seed: int | None = None
    # The date the model is told (YYYY-MM-DD; default: today). The lab pins it to the
    # bench's first day, so a bench resumed on a later day asks the same prompts.
    prompt_date: str | None = None
    # Extra environment variables commands may see (names or globs); none by default.
    env_passthrough: list[str] = field(default_factory=list)
    # Extra host paths commands must not read (the bench hides its suite: tests, solutions).
    sandbox_hide: list[str] = field(default_factory=list)
    # Per-profile overrides, e.g. [profiles.qwen] temperature = 0.0
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Prices per model, e.g. [prices."gpt-5"] input = 1.25, output = 10.0 (dollars per
    # million tokens; see reins/models/data/prices.toml for the built-in table)
    prices: dict[str, Any] = field(default_factory=dict)
    # Codebase search, e.g. [index] embeddings = "openai-compat" (see reins.index.embed.factory)
    index: dict[str, Any] = field(default_factory=dict)

    def with_flags(self, **flags: Any) -> Config:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({k: v for k, v in flags.items() if v is not None})
        return Config(**values)


@dataclass
class RepoConfig:
    repo: Path
    path: Path
    data: dict[str, Any]
    digest: str

    @property
    def sensitive_keys(self) -> list[str]:
        return sorted(set(self.data) - REPO_SAFE_KEYS)

    def trusted(self) -> bool:
        entry = _read_trust().get(str(self.repo))
        return bool(entry) and entry.get("sha256") == self.digest


def user_config_path() -> Path:  # reins.entry reads the same file for its fast path
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "reins" / "config.toml"


def trust_store_path() -> Path:
    return user_config_path().with_name("trusted_repos.json")


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    known = {f.name for f in fields(Config)}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {sorted(unknown)}; known: {sorted(known)}")
    for key, value in data.items():
        problem = setting_problem(key, value)
        if problem:
            raise ConfigError(f"{path}: {key} {problem}, not {value!r}")
    if isinstance(data.get("prompt_date"), dt.date):
        data["prompt_date"] = data["prompt_date"].isoformat()
    return data


# What each setting must be (a bad type used to surface as a traceback mid-run).
WHOLE_AT_LEAST = {"max_steps": 1, "max_tokens": 1, "max_retries": 0, "attempts": 1, "seed": 0}
POSITIVE_SECONDS = ("max_wall_s", "command_timeout_s")
SWITCHES = ("allow_network", "checkpoints", "auto_commit")
TEXTS = ("model", "profile", "sandbox")
NAME_LISTS = ("env_passthrough", "sandbox_hide")
TABLES = ("profiles", "prices", "index")
DATES = ("prompt_date",)


def setting_problem(key: str, value: Any) -> str | None:
    """What is wrong with `value` for setting `key` ("must be …"), or None."""
    if key in WHOLE_AT_LEAST:
        least = WHOLE_AT_LEAST[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            return f"must be a whole number of at least {least}"
    elif key in POSITIVE_SECONDS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "must be a number of seconds"
        if not math.isfinite(value) or value <= 0:
            return "must be a number of seconds above 0"
    elif key in SWITCHES and not isinstance(value, bool):
        return "must be true or false"
    elif key in TEXTS and not isinstance(value, str):
        return "must be a string"
    elif key in NAME_LISTS and not (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ):
        return "must be a list of strings"
    elif key in DATES:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return None  # TOML's bare 2026-12-01
        if not isinstance(value, str) or parse_date(value) is None:
            return "must be a date, YYYY-MM-DD"
    elif key in TABLES and not (
        isinstance(value, dict)
        and (key == "index" or all(isinstance(v, dict) for v in value.values()))
    ):
        return "must be a table (of tables)" if key != "index" else "must be a table"
    return None


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _read_file(path: Path) -> bytes | None:
    if not path.is_file():
        return None
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read it: {error.strerror}") from error


def read_repo_config(repo: Path) -> RepoConfig | None:
    repo = repo.resolve()
    path = repo / ".reins" / "config.toml"
    raw = _read_file(path)
    if raw is None:
        return None
    return RepoConfig(repo, path, _parse(path, raw), hashlib.sha256(raw).hexdigest())


def load_config(repo: Path, *, untrusted: str = "refuse") -> Config:
    """The merged settings. A repo config that needs trust and lacks it raises
    UntrustedRepoConfig (untrusted="refuse") or contributes only its safe keys ("drop")."""
    raw = _read_file(user_config_path())
    layers = [_parse(user_config_path(), raw) if raw is not None else {}]
    repo_config = read_repo_config(repo)
    if repo_config is not None:
        data = repo_config.data
        if repo_config.sensitive_keys and not repo_config.trusted():
            if untrusted == "refuse":
                raise UntrustedRepoConfig(repo_config)
            data = {k: v for k, v in data.items() if k in REPO_SAFE_KEYS}
        layers.append(data)
    merged: dict[str, Any] = {}
    for data in layers:
        data = dict(data)
        profiles = {**merged.get("profiles", {}), **data.pop("profiles", {})}
        merged.update(data)
        merged["profiles"] = profiles
    try:
        return Config(**merged)
    except TypeError as error:
        raise ConfigError(f"bad configuration: {error}") from error


# --- trust store: {repo path: {"sha256": digest of .reins/config.toml, "at": time}} -----


def _read_trust() -> dict[str, dict[str, Any]]:
    path = trust_store_path()
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise ConfigError(
            f"{path} is unreadable ({error}); fix or delete it (it only lists trusted repos)"
        ) from error
    return data if isinstance(data, dict) else {}


def _write_trust(data: dict[str, dict[str, Any]]) -> None:
    path = trust_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def trust_repo_config(repo_config: RepoConfig) -> None:
    data = _read_trust()
    data[str(repo_config.repo)] = {"sha256": repo_config.digest, "at": time.time()}
    _write_trust(data)


def revoke_trust(repo: Path) -> bool:
    data = _read_trust()
    found = data.pop(str(repo.resolve()), None) is not None
    if found:
        _write_trust(data)
    return found


def trusted_repos() -> dict[str, dict[str, Any]]:
    return _read_trust()
