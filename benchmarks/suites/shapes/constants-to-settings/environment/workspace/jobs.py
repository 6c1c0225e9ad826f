from client import API_BASE_URL, TIMEOUT_SECONDS, build_url


def describe_job(name, path):
    return f"{name}: GET {build_url(path, limit=10)} (timeout {TIMEOUT_SECONDS}s)"


def is_internal(url):
    return url.startswith(API_BASE_URL)
