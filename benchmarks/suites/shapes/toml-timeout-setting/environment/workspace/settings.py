"""Load config.toml into a Settings object."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Settings:
    base_url: str
    retries: int = 3
    user_agent: str = "status-poller"
    interval_seconds: int = 60
    components: list[str] = field(default_factory=list)


def load_settings(path="config.toml"):
    with open(Path(path), "rb") as f:
        data = tomllib.load(f)
    http = data.get("http", {})
    poll = data.get("poll", {})
    return Settings(
        base_url=http["base_url"],
        retries=http.get("retries", 3),
        user_agent=http.get("user_agent", "status-poller"),
        interval_seconds=poll.get("interval_seconds", 60),
        components=list(poll.get("components", [])),
    )
