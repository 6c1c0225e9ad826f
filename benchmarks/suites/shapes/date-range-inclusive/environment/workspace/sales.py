"""Orders and revenue between two dates (both included).

    python3 sales.py orders.csv --from 2024-05-01 --to 2024-05-31
"""
import argparse
import csv
from collections import Counter
from datetime import datetime


def parse_day(text):
    return datetime.strptime(text, "%Y-%m-%d")


def load_orders(path):
    """(created_at, customer, amount in cents) for every row of the export."""
    with open(path, newline="") as f:
        return [(datetime.fromisoformat(row["created_at"]), row["customer"], int(row["amount_cents"]))
                for row in csv.DictReader(f)]


def between(orders, start, end):
    return [order for order in orders if start <= order[0] <= end]


def main():
    parser = argparse.ArgumentParser(description="Orders and revenue in a date range.")
    parser.add_argument("file")
    parser.add_argument("--from", dest="start", type=parse_day, required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", type=parse_day, required=True, help="last day, YYYY-MM-DD")
    args = parser.parse_args()

    orders = between(load_orders(args.file), args.start, args.end)
    print(f"{args.start:%Y-%m-%d} to {args.end:%Y-%m-%d}")
    print(f"orders:    {len(orders)}")
    print(f"customers: {len({customer for _, customer, _ in orders})}")
    print(f"revenue:   {sum(cents for _, _, cents in orders) / 100:.2f}")
    if orders:
        day, count = Counter(f"{created:%Y-%m-%d}" for created, _, _ in orders).most_common(1)[0]
        print(f"busiest:   {day} ({count} orders)")


if __name__ == "__main__":
    main()
