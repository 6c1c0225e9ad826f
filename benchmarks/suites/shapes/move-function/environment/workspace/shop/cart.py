from shop.utils import format_price, normalize_sku


class Cart:
    def __init__(self):
        self.lines = []

    def add(self, sku, price_cents, quantity=1):
        self.lines.append((normalize_sku(sku), price_cents, quantity))

    def total(self):
        return sum(price * qty for _, price, qty in self.lines)

    def describe(self):
        rows = [f"{sku:<10} {qty} x {format_price(price)}" for sku, price, qty in self.lines]
        rows.append(f"{'TOTAL':<10} {format_price(self.total())}")
        return "\n".join(rows)
