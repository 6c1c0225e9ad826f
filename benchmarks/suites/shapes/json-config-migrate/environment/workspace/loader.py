"""Read config.json into a Settings object."""

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Settings:
    app_name: str
    environment: str
    database_url: str
    retries: int = 3
    log_level: str = "info"


def load_settings(path="config.json"):
    raw = json.loads(Path(path).read_text())
    database_url = f"postgresql://{raw['db_host']}:{raw['db_port']}/{raw['db_name']}"
    return Settings(
        app_name=raw["app_name"],
        environment=raw.get("environment", "production"),
        database_url=database_url,
        retries=int(raw.get("retry_count", 3)),
        log_level=raw.get("log_level", "info"),
    )
