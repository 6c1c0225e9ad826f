import unittest

from cart import Cart


class CartTest(unittest.TestCase):
    def test_add_merges_same_sku(self):
        cart = Cart("ana")
        cart.add("TEA-01", 2, 450)
        cart.add("TEA-01", 1, 450)
        self.assertEqual(cart.count(), 3)
        self.assertEqual(cart.subtotal(), 1350)

    def test_coupon(self):
        cart = Cart("ben")
        cart.add("MUG-3", 1, 1299)
        cart.apply_coupon(" save10 ")
        self.assertEqual(cart.total(), 1299 - 129)

    def test_new_cart_is_empty(self):
        cart = Cart("chen")
        self.assertEqual(cart.count(), 0)
        self.assertEqual(cart.total(), 0)

    def test_single_item(self):
        cart = Cart("dora")
        cart.add("JAR-7", 1, 800)
        self.assertEqual(cart.total(), 800)

    def test_starting_items(self):
        cart = Cart("eli", items=[("SPOON-2", 4, 125)])
        self.assertEqual(cart.subtotal(), 500)


if __name__ == "__main__":
    unittest.main()
