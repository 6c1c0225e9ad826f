from checkout import order_total

ORDERS = [
    {"id": 1, "country": "US", "lines": [{"price": 12.0, "qty": 2, "weight_kg": 0.5}]},
    {"id": 2, "country": "CA", "lines": [{"price": 30.0, "qty": 1, "weight_kg": 2.0}]},
    {"id": 3, "country": "US", "lines": [{"price": 5.0, "qty": 4, "weight_kg": 0.25},
                                         {"price": 18.5, "qty": 1, "weight_kg": 1.5}]},
]

if __name__ == "__main__":
    for order in ORDERS:
        print(f"order {order['id']} ({order['country']}): ${order_total(order):.2f}")
