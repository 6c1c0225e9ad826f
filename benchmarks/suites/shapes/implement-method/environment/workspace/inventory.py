class Inventory:
    """Items and how many of each are in stock."""

    def __init__(self):
        self.items = {}

    def add(self, name, quantity=1):
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self.items[name] = self.items.get(name, 0) + quantity

    def remove(self, name, quantity=1):
        have = self.items.get(name, 0)
        if quantity > have:
            raise ValueError(f"only {have} {name} in stock")
        if have == quantity:
            del self.items[name]
        else:
            self.items[name] = have - quantity

    def total_quantity(self):
        """How many items are in stock, all names together."""
        raise NotImplementedError
