"""Import the web shop's order export (CSV) and group the order lines by customer."""
import csv


def import_orders(path):
    """Read the export at `path` and return {customer: {"lines": [...], "total_cents": int}}.

    Rows that are comments, have no SKU, or have a quantity that isn't a positive
    whole number are skipped.
    """
    customers = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            sku = (row.get("sku") or "").strip().upper()
            if not sku or sku.startswith("#"):
                continue
            try:
                qty = int((row.get("qty") or "").strip())
            except ValueError:
                continue
            if qty <= 0:
                continue
            price_text = (row.get("unit_price") or "0").strip().replace(",", ".")
            if price_text.startswith("€"):
                price_text = price_text[1:].strip()
            unit_cents = round(float(price_text) * 100)
            discount_text = (row.get("discount") or "").strip()
            if discount_text.endswith("%"):
                discount_pct = float(discount_text[:-1])
            elif discount_text:
                discount_pct = float(discount_text) * 100
            else:
                discount_pct = 0.0
            line_cents = round(qty * unit_cents * (1 - discount_pct / 100))
            customer = " ".join((row.get("customer") or "guest").split()).title()
            line = {
                "sku": sku,
                "qty": qty,
                "unit_cents": unit_cents,
                "discount_pct": discount_pct,
                "line_cents": line_cents,
                "customer": customer,
            }

            entry = customers.setdefault(customer, {"lines": [], "total_cents": 0})
            entry["lines"].append(line)
            entry["total_cents"] += line["line_cents"]
    for entry in customers.values():
        entry["lines"].sort(key=lambda line: line["sku"])
    return customers


def format_report(customers):
    out = []
    for name in sorted(customers):
        entry = customers[name]
        out.append(f"{name}: {len(entry['lines'])} line(s), {entry['total_cents'] / 100:.2f} EUR")
        for line in entry["lines"]:
            out.append(f"  {line['sku']:<10} x{line['qty']:<3} {line['line_cents'] / 100:>8.2f}")
    return "\n".join(out)


if __name__ == "__main__":
    import sys
    print(format_report(import_orders(sys.argv[1] if len(sys.argv) > 1 else "orders.csv")))
