"""Total sales per region from a shop CSV export.

    python3 totals.py FILE.csv

The file has a header row with (at least) the columns region, product and amount.
"""
import csv
import sys
from collections import defaultdict


def read_sales(path):
    sales = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            region = row["region"].strip()
            if not region:
                continue
            sales.append((region, float(row["amount"])))
    return sales


def totals_by_region(sales):
    totals = defaultdict(float)
    for region, amount in sales:
        totals[region] += amount
    return dict(sorted(totals.items()))


def main(argv):
    if len(argv) != 1:
        print("usage: python3 totals.py FILE.csv", file=sys.stderr)
        return 2
    totals = totals_by_region(read_sales(argv[0]))
    for region, total in totals.items():
        print(f"{region:<12} {total:>10.2f}")
    print(f"{'TOTAL':<12} {sum(totals.values()):>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
