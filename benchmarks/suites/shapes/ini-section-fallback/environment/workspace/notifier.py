"""Send a message to the chat webhook.

    python3 notifier.py "deploy finished" [--settings settings.ini]
"""
import argparse
import json
import logging
import sys
import time
import urllib.error
import urllib.request

from settings import load_settings

log = logging.getLogger("notifier")


def post_json(url, payload, timeout):
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


def deliver(settings, message, post=post_json, sleep=time.sleep):
    """Post message to the webhook, retrying on network errors. Returns True once delivered."""
    payload = {"channel": settings.channel, "username": settings.username, "text": message}
    if settings.dry_run:
        print(json.dumps(payload))
        return True
    for attempt in range(1, 4):
        try:
            post(settings.url, payload, settings.timeout)
            return True
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            log.warning("attempt %d failed: %s", attempt, error)
            if attempt < 3:
                sleep(2)
    return False


def main(argv=None):
    parser = argparse.ArgumentParser(description="Send a message to the chat webhook.")
    parser.add_argument("message")
    parser.add_argument("--settings", default="settings.ini")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    ok = deliver(load_settings(args.settings), args.message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
