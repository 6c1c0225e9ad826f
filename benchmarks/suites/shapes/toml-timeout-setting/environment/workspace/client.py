"""Build the HTTP requests the poller sends (the transport lives elsewhere)."""

import json

from settings import load_settings


def build_request(settings, component):
    return {
        "method": "GET",
        "url": f"{settings.base_url.rstrip('/')}/components/{component}",
        "headers": {"User-Agent": settings.user_agent, "Accept": "application/json"},
        "timeout": 10,
        "retries": settings.retries,
    }


def main():
    settings = load_settings()
    for component in settings.components:
        print(json.dumps(build_request(settings, component), sort_keys=True))


if __name__ == "__main__":
    main()
