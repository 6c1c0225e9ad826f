BASE_RATE = 4.50
PER_KG = 1.20


def shipping_cost(weight_kg):
    """Shipping cost in dollars for a parcel of weight_kg."""
    if weight_kg <= 0:
        raise ValueError("weight must be positive")
    return round(BASE_RATE + PER_KG * weight_kg, 2)
