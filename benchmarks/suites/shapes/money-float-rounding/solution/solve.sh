#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("receipt.py")
s = p.read_text()
old = s[s.index("def build_receipt"):s.index("def main")]
new = '''def to_cents(price):
    """'4.99' -> 499, exactly."""
    whole, _, frac = price.strip().partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole or "0")) * 100 + int((frac + "00")[:2]))


def money(cents):
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def build_receipt(items, tax_rate=TAX_RATE):
    """items: (name, price as text like "4.99", qty) tuples. Returns the receipt's lines."""
    lines = []
    subtotal = 0
    for name, price, qty in items:
        amount = to_cents(price) * qty
        subtotal += amount
        lines.append(f"{name:<20}{qty:>3} x {price:>7}{money(amount):>10}")
    rate = round(tax_rate * 1_000_000)          # in millionths
    tax = (subtotal * rate + 500_000) // 1_000_000  # half up
    total = subtotal + tax
    lines.append(f"{'Subtotal':<33}{money(subtotal):>10}")
    lines.append(f"{'Tax':<33}{money(tax):>10}")
    lines.append(f"{'Total':<33}{money(total):>10}")
    return lines


'''
p.write_text(s.replace(old, new, 1))
PY
python3 receipt.py cart.csv
PYTHONDONTWRITEBYTECODE=1 python3 -m unittest test_receipt
