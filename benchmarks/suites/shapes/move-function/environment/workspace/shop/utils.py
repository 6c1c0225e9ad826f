"""Odds and ends used across the shop package."""


def format_price(cents, currency="EUR"):
    """1999 -> '19.99 EUR'."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d} {currency}"


def parse_quantity(text):
    """'3' -> 3, ' 12 ' -> 12; at least 1."""
    value = int(text.strip())
    if value < 1:
        raise ValueError("quantity must be at least 1")
    return value


def normalize_sku(sku):
    return sku.strip().upper().replace(" ", "-")
