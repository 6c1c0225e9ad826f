"""A shopping cart with quantity-aware totals and percentage discounts."""


class Cart:
    def __init__(self):
        self.items = {}

    def add(self, name, price, quantity=1):
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        if name in self.items:
            old_price, old_quantity = self.items[name]
            self.items[name] = (price, old_quantity + quantity)
        else:
            self.items[name] = (price, quantity)

    def remove(self, name):
        self.items.pop(name, None)

    def count(self):
        return sum(quantity for _, quantity in self.items.values())

    def total(self):
        return sum(price * qty for price, quantity in self.items.values())


def apply_discount(amount, percent):
    """Return `amount` reduced by `percent` per cent, rounded to cents."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    return round(amount * (100 - percent) / 100, 2)
