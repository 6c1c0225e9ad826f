"""Tiny HTTP helper around urllib."""
import urllib.error
import urllib.request


def http_get(url, timeout=10):
    """Return the body of `url` as text.

    Raises ConnectionError when the server can't be reached or drops the connection,
    and TimeoutError when it doesn't answer in time.
    """
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except urllib.error.URLError as error:
        raise ConnectionError(f"could not reach {url}: {error.reason}") from error
