"""Settings for the webhook notifier, read from an INI file (settings.ini by default)."""
import configparser
from dataclasses import dataclass


@dataclass
class Settings:
    url: str
    channel: str = "#alerts"
    username: str = "notifier"
    timeout: float = 10.0
    dry_run: bool = False


def load_settings(path="settings.ini"):
    parser = configparser.ConfigParser()
    if not parser.read(path, encoding="utf-8"):
        raise FileNotFoundError(f"no settings file at {path}")
    if not parser.has_option("webhook", "url"):
        raise ValueError(f"{path}: [webhook] needs a url")
    hook = parser["webhook"]
    return Settings(
        url=hook["url"],
        channel=hook.get("channel", "#alerts"),
        username=hook.get("username", "notifier"),
        timeout=hook.getfloat("timeout", 10.0),
        dry_run=parser.getboolean("general", "dry_run", fallback=False),
    )
