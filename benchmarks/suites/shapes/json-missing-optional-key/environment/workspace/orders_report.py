"""Daily orders report.

    python3 orders_report.py orders.json
"""
import json
import sys

COUPONS = {"SPRING10": 10, "VIP20": 20}  # code -> percent off


def order_total(order):
    cents = sum(item["qty"] * item["price_cents"] for item in order["items"])
    coupon = order["coupon"]
    if coupon:
        cents -= cents * COUPONS.get(coupon, 0) // 100
    return cents


def format_order(order):
    count = sum(item["qty"] for item in order["items"])
    line = f"#{order['id']} {order['customer']['name']:<16}{count:>3} items {order_total(order) / 100:>9.2f}"
    if order["coupon"]:
        line += f"  {order['coupon']}"
    if order["note"]:
        line += f"\n      note: {order['note']}"
    return line


def main(argv):
    if len(argv) != 1:
        print("usage: python3 orders_report.py ORDERS.json", file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        orders = json.load(f)
    for order in orders:
        print(format_order(order))
    total = sum(order_total(order) for order in orders)
    print(f"{len(orders)} orders, {total / 100:.2f} in total")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
