"""Print a till receipt for a cart.

    python3 receipt.py cart.csv

cart.csv has the columns name, price (like 4.99) and qty.
"""
import csv
import sys

TAX_RATE = 0.0825  # sales tax on the whole subtotal


def read_items(path):
    with open(path, newline="") as f:
        return [(row["name"], row["price"], int(row["qty"])) for row in csv.DictReader(f)]


def build_receipt(items, tax_rate=TAX_RATE):
    """items: (name, price as text like "4.99", qty) tuples. Returns the receipt's lines."""
    lines = []
    subtotal = 0.0
    for name, price, qty in items:
        amount = float(price) * qty
        subtotal += amount
        lines.append(f"{name:<20}{qty:>3} x {price:>7}{amount:>10.2f}")
    tax = round(subtotal * tax_rate, 2)
    total = subtotal + tax
    lines.append(f"{'Subtotal':<33}{subtotal:>10.2f}")
    lines.append(f"{'Tax':<33}{tax:>10.2f}")
    lines.append(f"{'Total':<33}{total:>10.2f}")
    return lines


def main(argv):
    if len(argv) != 1:
        print("usage: python3 receipt.py CART.csv", file=sys.stderr)
        return 2
    print("\n".join(build_receipt(read_items(argv[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
