"""Carrier rates, updated every January."""

# zone: (base price, price per started kg above the included weight, included kg)
ZONES = {
    "domestic": (4.90, 0.80, 2),
    "EU": (9.50, 1.75, 1),
    "world": (19.00, 4.20, 0),
}

FUEL_SURCHARGE = 0.08  # added on top of the zone price
FREE_SHIPPING_OVER = 150.00  # order totals at or above this ship for free
