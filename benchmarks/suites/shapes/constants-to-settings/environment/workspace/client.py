import urllib.parse

API_BASE_URL = "https://api.example.com/v2"
TIMEOUT_SECONDS = 15
USER_AGENT = "inventory-sync/1.4"


def build_url(path, **params):
    url = f"{API_BASE_URL}/{path.lstrip('/')}"
    if params:
        url += "?" + urllib.parse.urlencode(sorted(params.items()))
    return url


def request_options():
    return {"timeout": TIMEOUT_SECONDS, "headers": {"User-Agent": USER_AGENT}}
