"""Print the invoice for an order: python3 main.py ORDER_ID"""

import sys

from render import render_invoice
from store import load_customers, load_orders
from totals import compute_totals


def main(argv):
    if len(argv) != 2:
        print("usage: python3 main.py ORDER_ID", file=sys.stderr)
        return 2
    orders = load_orders()
    order = orders.get(argv[1])
    if order is None:
        print(f"no such order: {argv[1]}", file=sys.stderr)
        return 1
    customer = load_customers()[order.customer_id]
    print(render_invoice(order, customer, compute_totals(order)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
