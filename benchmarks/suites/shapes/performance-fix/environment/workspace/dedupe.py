"""Find customers that appear more than once in a CRM export.

    python3 dedupe.py customers.csv

Two rows are the same customer when their e-mail addresses match, ignoring case and
surrounding spaces. Prints each duplicated address (in the order its first repeat shows up)
with how many rows have it, then a summary line.
"""

import csv
import sys


def normalise(email):
    return email.strip().lower()


def find_duplicates(rows):
    seen = []
    duplicates = []
    for row in rows:
        email = normalise(row["email"])
        if email in seen:
            if email not in duplicates:
                duplicates.append(email)
        else:
            seen.append(email)
    return duplicates


def count_rows(rows, email):
    return sum(1 for row in rows if normalise(row["email"]) == email)


def main(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    duplicates = find_duplicates(rows)
    for email in duplicates:
        print(f"{email}  x{count_rows(rows, email)}")
    print(f"{len(duplicates)} duplicated addresses in {len(rows)} rows")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "customers.csv")
