"""Shopping cart for the checkout service."""


class Cart:
    def __init__(self, customer, items=[], coupons=set()):
        self.customer = customer
        self.items = items          # list of (sku, qty, unit_cents)
        self.coupons = coupons      # coupon codes, upper case

    def add(self, sku, qty=1, unit_cents=0):
        for i, (existing, old_qty, cents) in enumerate(self.items):
            if existing == sku:
                self.items[i] = (sku, old_qty + qty, cents)
                return
        self.items.append((sku, qty, unit_cents))

    def apply_coupon(self, code):
        self.coupons.add(code.strip().upper())

    def subtotal(self):
        return sum(qty * cents for _, qty, cents in self.items)

    def total(self):
        subtotal = self.subtotal()
        if "SAVE10" in self.coupons:
            subtotal -= subtotal // 10
        return subtotal

    def count(self):
        return sum(qty for _, qty, _ in self.items)
