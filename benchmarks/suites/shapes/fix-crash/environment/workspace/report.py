ORDERS = [{"item": "pen", "qty": 10}, {"item": "pad", "qty": 32}]


def summary(orders):
    total = 0
    for order in orders:
        total += order["qty"]
    return "Total: " + total


if __name__ == "__main__":
    print(summary(ORDERS))
