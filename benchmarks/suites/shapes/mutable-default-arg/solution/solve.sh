#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("cart.py")
s = p.read_text()
old = """    def __init__(self, customer, items=[], coupons=set()):
        self.customer = customer
        self.items = items          # list of (sku, qty, unit_cents)
        self.coupons = coupons      # coupon codes, upper case
"""
new = """    def __init__(self, customer, items=None, coupons=None):
        self.customer = customer
        self.items = list(items) if items is not None else []        # list of (sku, qty, unit_cents)
        self.coupons = set(coupons) if coupons is not None else set()  # coupon codes, upper case
"""
assert old in s
p.write_text(s.replace(old, new, 1))
PY
python3 -m unittest test_cart
