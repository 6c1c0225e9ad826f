"""Exchange rates from the rates service."""
import json

from net import http_get

RATES_URL = "https://rates.example.com/v1/latest?base={base}"


def fetch_rates(base="EUR"):
    """Rates for one unit of `base`, like {"USD": 1.08, "GBP": 0.85}."""
    body = http_get(RATES_URL.format(base=base))
    data = json.loads(body)
    if data.get("base") != base:
        raise ValueError(f"asked for {base} rates, got {data.get('base')!r}")
    return {code: float(rate) for code, rate in data["rates"].items()}
