#!/usr/bin/env bash
set -euo pipefail
cat > reports.py <<'PY'
"""Text snippets for customer e-mails. Amounts are integer cents."""


def format_money(cents):
    """-123456 -> "-$1,234.56"."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def invoice_line(description, quantity, unit_cents):
    amount = format_money(quantity * unit_cents)
    return f"{description:<24}{quantity:>4} x {amount:>12}"


def summary(order_id, totals):
    """totals: dict with "net", "tax" and "shipping" in cents."""
    lines = [f"Order {order_id}"]
    for label in ("net", "tax", "shipping"):
        lines.append(f"  {label.capitalize():<10}{format_money(totals[label])}")
    grand = sum(totals[label] for label in ("net", "tax", "shipping"))
    lines.append(f"  {'Total':<10}{format_money(grand)}")
    return "\n".join(lines)


def refund_notice(name, refund_cents, reason):
    return (f"Hi {name}, we have refunded {format_money(refund_cents)} to your card "
            f"({reason}). It can take 5 business days to show up.")


if __name__ == "__main__":
    print(invoice_line("Espresso beans 1 kg", 3, 2450))
    print(summary("A-1042", {"net": 7350, "tax": 588, "shipping": -500}))
    print(refund_notice("Sam", 123456, "damaged in transit"))
PY
python3 reports.py
