import unittest

from inventory import Inventory


class InventoryTest(unittest.TestCase):
    def test_empty(self):
        self.assertEqual(Inventory().total_quantity(), 0)

    def test_after_adds_and_removes(self):
        inv = Inventory()
        inv.add("apple", 3)
        inv.add("pear")
        inv.remove("apple", 2)
        self.assertEqual(inv.total_quantity(), 2)


if __name__ == "__main__":
    unittest.main()
