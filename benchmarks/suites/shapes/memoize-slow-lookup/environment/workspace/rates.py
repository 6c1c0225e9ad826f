"""Exchange rates from the finance team's rates service."""
import json
import time
from pathlib import Path

RATES_FILE = Path(__file__).with_name("rates.json")


def fetch_rate(currency):
    """Return how many EUR one unit of `currency` is worth today."""
    time.sleep(0.3)  # stands in for the HTTP round trip to the rates service
    rates = json.loads(RATES_FILE.read_text())
    if currency not in rates:
        raise KeyError(f"no rate for {currency}")
    return rates[currency]
