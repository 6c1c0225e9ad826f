"""What is on the shelves, and what to reorder."""

from dataclasses import dataclass

from .units import packs_needed, to_units


class OutOfStock(Exception):
    pass


@dataclass
class Item:
    sku: str
    on_hand: int
    reorder_point: int  # reorder when on_hand drops below this
    pack_size: int = 1


class Warehouse:
    def __init__(self):
        self.items = {}

    def add_item(self, sku, on_hand=0, reorder_point=0, pack_size=1):
        self.items[sku] = Item(sku, on_hand, reorder_point, pack_size)

    def receive(self, sku, packs):
        """Book in `packs` packs from a supplier delivery."""
        item = self.items[sku]
        item.on_hand += to_units(packs, item.pack_size)

    def ship(self, sku, units):
        item = self.items[sku]
        if units > item.on_hand:
            raise OutOfStock(f"{sku}: {units} wanted, {item.on_hand} on hand")
        item.on_hand -= units

    def reorder_list(self):
        """[(sku, packs)] for the items below their reorder point: enough packs to get
        back to twice the reorder point."""
        orders = []
        for item in sorted(self.items.values(), key=lambda i: i.sku):
            if item.on_hand < item.reorder_point:
                shortfall = 2 * item.reorder_point - item.on_hand
                orders.append((item.sku, packs_needed(shortfall, item.pack_size)))
        return orders
