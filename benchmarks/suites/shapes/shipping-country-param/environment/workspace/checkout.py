from pricing import shipping_cost


def order_total(order):
    items = sum(line["price"] * line["qty"] for line in order["lines"])
    weight = sum(line["weight_kg"] * line["qty"] for line in order["lines"])
    return round(items + shipping_cost(weight), 2)
