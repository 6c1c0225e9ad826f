"""Stock keeping for the warehouse: items, pack sizes, reorder lists."""

from .stock import OutOfStock, Warehouse
from .units import packs_needed, to_units
from .report import stock_table

__all__ = ["OutOfStock", "Warehouse", "packs_needed", "to_units", "stock_table"]
