import unittest
from pathlib import Path

from orders import format_report, import_orders

HERE = Path(__file__).parent


class ImportOrdersTest(unittest.TestCase):
    def setUp(self):
        self.customers = import_orders(HERE / "orders.csv")

    def test_customers(self):
        self.assertEqual(sorted(self.customers), ["Ana Lima", "Ben Ortiz", "Guest"])

    def test_totals(self):
        self.assertEqual(self.customers["Ana Lima"]["total_cents"], 900 + 2598)
        self.assertEqual(self.customers["Ben Ortiz"]["total_cents"], 1169 + 1282)

    def test_skipped_rows(self):
        skus = [line["sku"] for entry in self.customers.values() for line in entry["lines"]]
        self.assertNotIn("JAR-7", skus)
        self.assertEqual(len(skus), 5)

    def test_report(self):
        report = format_report(self.customers)
        self.assertIn("Guest: 1 line(s), 5.00 EUR", report)


if __name__ == "__main__":
    unittest.main()
