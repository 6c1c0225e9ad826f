"""Suppliers sell in packs (a box of 12, a pallet of 40); the warehouse counts single units."""


def to_units(packs, pack_size):
    """Units in `packs` whole packs."""
    return packs * pack_size


def packs_needed(units, pack_size):
    """The fewest whole packs that hold at least `units` units (0 when nothing is needed)."""
    if pack_size < 1:
        raise ValueError("pack_size must be at least 1")
    if units <= 0:
        return 0
    return units // pack_size
