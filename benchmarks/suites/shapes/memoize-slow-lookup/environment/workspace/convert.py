"""Convert an expenses export to EUR.

    python3 convert.py expenses.csv
"""
import csv
import sys

from rates import fetch_rate


def to_eur(amount, currency):
    return round(amount * fetch_rate(currency), 2)


def main(path):
    total = 0.0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            eur = to_eur(float(row["amount"]), row["currency"])
            total += eur
            print(f"{row['date']}  {row['description']:<28} {float(row['amount']):>10.2f} {row['currency']}"
                  f"  = {eur:>9.2f} EUR")
    print(f"total: {total:.2f} EUR")


if __name__ == "__main__":
    main(sys.argv[1])
