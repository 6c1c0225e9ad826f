import sys

from pricing import shipping_cost


def quote(weight_kg):
    return f"Shipping for {weight_kg} kg: ${shipping_cost(weight_kg):.2f}"


if __name__ == "__main__":
    print(quote(float(sys.argv[1])))
