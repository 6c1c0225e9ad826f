import unittest

from cart import Cart, apply_discount


class CartTest(unittest.TestCase):
    def test_empty_cart_totals_zero(self):
        self.assertEqual(Cart().total(), 0)

    def test_total_counts_quantities(self):
        cart = Cart()
        cart.add("apple", 0.5, quantity=4)
        cart.add("bread", 2.25)
        self.assertEqual(cart.total(), 4.25)

    def test_adding_twice_accumulates(self):
        cart = Cart()
        cart.add("apple", 0.5)
        cart.add("apple", 0.5, quantity=2)
        self.assertEqual(cart.count(), 3)

    def test_remove(self):
        cart = Cart()
        cart.add("apple", 0.5)
        cart.remove("apple")
        self.assertEqual(cart.count(), 0)

    def test_discount(self):
        self.assertEqual(apply_discount(80.0, 25), 60.0)

    def test_bad_quantity(self):
        with self.assertRaises(ValueError):
            Cart().add("apple", 0.5, quantity=0)


if __name__ == "__main__":
    unittest.main()
