"""Text snippets for customer e-mails. Amounts are integer cents."""


def invoice_line(description, quantity, unit_cents):
    total = quantity * unit_cents
    sign = "-" if total < 0 else ""
    dollars, cents = divmod(abs(total), 100)
    amount = f"{sign}${dollars:,}.{cents:02d}"
    return f"{description:<24}{quantity:>4} x {amount:>12}"


def summary(order_id, totals):
    """totals: dict with "net", "tax" and "shipping" in cents."""
    lines = [f"Order {order_id}"]
    for label in ("net", "tax", "shipping"):
        value = totals[label]
        sign = "-" if value < 0 else ""
        dollars, cents = divmod(abs(value), 100)
        lines.append(f"  {label.capitalize():<10}{sign}${dollars:,}.{cents:02d}")
    grand = sum(totals[label] for label in ("net", "tax", "shipping"))
    sign = "-" if grand < 0 else ""
    dollars, cents = divmod(abs(grand), 100)
    lines.append(f"  {'Total':<10}{sign}${dollars:,}.{cents:02d}")
    return "\n".join(lines)


def refund_notice(name, refund_cents, reason):
    sign = "-" if refund_cents < 0 else ""
    dollars, cents = divmod(abs(refund_cents), 100)
    return (f"Hi {name}, we have refunded {sign}${dollars:,}.{cents:02d} to your card "
            f"({reason}). It can take 5 business days to show up.")


if __name__ == "__main__":
    print(invoice_line("Espresso beans 1 kg", 3, 2450))
    print(summary("A-1042", {"net": 7350, "tax": 588, "shipping": -500}))
    print(refund_notice("Sam", 123456, "damaged in transit"))
