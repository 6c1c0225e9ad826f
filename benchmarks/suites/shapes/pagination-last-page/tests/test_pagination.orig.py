import unittest

from pagination import page_count, page_links, paginate

PRODUCTS = [f"product-{i:02d}" for i in range(1, 41)]   # 40 products


class PageCountTest(unittest.TestCase):
    def test_partial_last_page(self):
        self.assertEqual(page_count(41, 20), 3)
        self.assertEqual(page_count(5, 20), 1)

    def test_exact_multiple(self):
        self.assertEqual(page_count(40, 20), 2)
        self.assertEqual(page_count(20, 20), 1)

    def test_empty(self):
        self.assertEqual(page_count(0, 20), 1)


class PaginateTest(unittest.TestCase):
    def test_first_page(self):
        page = paginate(PRODUCTS, 1)
        self.assertEqual(page.items[0], "product-01")
        self.assertEqual(page.label(), "Showing 1-20 of 40 (page 1 of 2)")
        self.assertTrue(page.has_next)
        self.assertFalse(page.has_previous)

    def test_last_page_has_no_next(self):
        page = paginate(PRODUCTS, 2)
        self.assertEqual(page.items[-1], "product-40")
        self.assertEqual(page.label(), "Showing 21-40 of 40 (page 2 of 2)")
        self.assertFalse(page.has_next)

    def test_past_the_end_gives_last_page(self):
        page = paginate(PRODUCTS, 9)
        self.assertEqual(page.number, 2)
        self.assertEqual(len(page.items), 20)

    def test_no_results(self):
        page = paginate([], 1)
        self.assertEqual(page.label(), "No results")
        self.assertEqual(page.pages, 1)
        self.assertFalse(page.has_next)


class PageLinksTest(unittest.TestCase):
    def test_window(self):
        page = paginate(range(230), 5, per_page=20)
        self.assertEqual(page_links(page), [1, None, 3, 4, 5, 6, 7, None, 12])


if __name__ == "__main__":
    unittest.main()
