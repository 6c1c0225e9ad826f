"""Settings for the shop backend: built-in defaults, overridden by a JSON file."""
import json
import os

DEFAULTS = {
    "debug": False,
    "database": {
        "host": "localhost",
        "port": 5432,
        "name": "shop",
        "pool": {"min": 1, "max": 10},
    },
    "cache": {"backend": "memory", "ttl_seconds": 300},
    "allowed_hosts": ["localhost"],
}


def load_config(path=None):
    """The defaults, with whatever the JSON file at `path` sets on top of them."""
    config = dict(DEFAULTS)
    if path and os.path.exists(path):
        with open(path) as f:
            config.update(json.load(f))
    return config
