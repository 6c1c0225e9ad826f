"""Nightly job: store today's exchange rates in rates.json.

    python3 sync.py [BASE]
"""
import json
import sys

from rates import fetch_rates


def main(argv):
    base = argv[0] if argv else "EUR"
    rates = fetch_rates(base)
    with open("rates.json", "w") as f:
        json.dump({"base": base, "rates": rates}, f, indent=2, sort_keys=True)
    print(f"stored {len(rates)} rates for {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
