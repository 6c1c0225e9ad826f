import math

from rates import FREE_SHIPPING_OVER, FUEL_SURCHARGE, ZONES


def shipping_cost(weight_kg, zone, order_total):
    """What the customer pays for shipping, in euros."""
    if order_total >= FREE_SHIPPING_OVER:
        return 0.0
    base, per_kg, included = ZONES[zone]
    extra_kg = max(0, math.ceil(weight_kg - included))
    return round((base + extra_kg * per_kg) * (1 + FUEL_SURCHARGE), 2)
