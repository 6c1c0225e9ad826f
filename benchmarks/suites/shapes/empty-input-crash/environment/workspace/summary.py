"""Daily sales summary: python3 summary.py ORDERS.csv"""
import csv
import sys


def load_totals(path):
    with open(path, newline="") as f:
        return [float(row["total"]) for row in csv.DictReader(f)]


def average(values):
    return sum(values) / len(values)


def main(path):
    totals = load_totals(path)
    print(f"orders: {len(totals)}")
    print(f"revenue: {sum(totals):.2f}")
    print(f"average order: {average(totals):.2f}")
    print(f"largest order: {max(totals):.2f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 summary.py ORDERS.csv")
    main(sys.argv[1])
