import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from inventory import OutOfStock, Warehouse, stock_table  # noqa: E402


def warehouse():
    w = Warehouse()
    w.add_item("BOLT-M8", on_hand=500, reorder_point=200, pack_size=100)
    w.add_item("GLOVE-L", on_hand=3, reorder_point=10, pack_size=12)
    w.add_item("TAPE-50", on_hand=40, reorder_point=20, pack_size=6)
    return w


class StockTest(unittest.TestCase):
    def test_receive_counts_units(self):
        w = warehouse()
        w.receive("TAPE-50", 2)
        self.assertEqual(w.items["TAPE-50"].on_hand, 52)

    def test_ship(self):
        w = warehouse()
        w.ship("BOLT-M8", 120)
        self.assertEqual(w.items["BOLT-M8"].on_hand, 380)

    def test_ship_too_many(self):
        with self.assertRaises(OutOfStock):
            warehouse().ship("GLOVE-L", 4)

    def test_reorder_list(self):
        w = warehouse()
        w.ship("TAPE-50", 25)
        # gloves: 17 short of 20 -> 2 packs of 12; tape: 25 short of 40 -> 5 packs of 6
        self.assertEqual(w.reorder_list(), [("GLOVE-L", 2), ("TAPE-50", 5)])

    def test_nothing_to_reorder(self):
        w = warehouse()
        w.receive("GLOVE-L", 1)
        self.assertEqual(w.reorder_list(), [])

    def test_stock_table_flags_low_items(self):
        lines = stock_table(warehouse()).splitlines()
        self.assertTrue(lines[2].startswith("GLOVE-L"))
        self.assertTrue(lines[2].endswith("LOW"))
        self.assertFalse(lines[1].endswith("LOW"))


if __name__ == "__main__":
    unittest.main()
