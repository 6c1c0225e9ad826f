"""Print the inventory as CSV on stdout.

The inventory is read from inventory.json, or from the file named by the
EXPORT_SOURCE environment variable.
"""
import csv
import json
import os
import sys

FIELDS = ["sku", "name", "warehouse", "qty", "unit_price"]


def load(path):
    with open(path, encoding="utf-8") as f:
        items = json.load(f)
    for item in items:
        missing = [field for field in FIELDS if field not in item]
        if missing:
            raise ValueError(f"{item.get('sku', '?')}: missing {', '.join(missing)}")
    return sorted(items, key=lambda item: (item["warehouse"], item["sku"]))


def main():
    items = load(os.environ.get("EXPORT_SOURCE", "inventory.json"))
    writer = csv.DictWriter(sys.stdout, fieldnames=FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for item in items:
        writer.writerow({**item, "unit_price": f"{item['unit_price']:.2f}"})


if __name__ == "__main__":
    main()
