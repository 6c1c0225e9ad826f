import datetime as dt
import io
import unittest

import ledger

CSV = """date,description,category,amount,tags
2024-01-03,Salary,income,2500.00,work
2024-01-05,Groceries,food,-84.20,
2024-01-19,Rent,housing,-900,home
2024-02-03,Salary,income,2500.00,work
2024-02-07,Groceries,food,-61.35,
2024-02-19,Rent,housing,-900,home
2024-03-03,Salary,income,2500.00,work
"""


class LedgerTest(unittest.TestCase):
    def setUp(self):
        self.entries = ledger.read_entries(io.StringIO(CSV))

    def test_parse_amount(self):
        self.assertEqual(ledger.parse_amount("12.34"), 1234)
        self.assertEqual(ledger.parse_amount("-5"), -500)
        self.assertEqual(ledger.parse_amount("1,200.50"), 120050)

    def test_balance(self):
        self.assertEqual(ledger.balance(self.entries), 750000 - 8420 - 6135 - 180000)

    def test_between_is_inclusive(self):
        chosen = ledger.between(self.entries, dt.date(2024, 1, 5), dt.date(2024, 2, 3))
        self.assertEqual([e.description for e in chosen], ["Groceries", "Rent", "Salary"])

    def test_format_amount(self):
        self.assertEqual(ledger.format_amount(-50), "-$0.50")
        self.assertEqual(ledger.format_amount(123456789), "$1,234,567.89")

    def test_first_page(self):
        page = ledger.paginate(self.entries, 1, per_page=3)
        self.assertEqual([e.date.day for e in page], [3, 5, 19])

    def test_last_page(self):
        page = ledger.paginate(self.entries, 3, per_page=3)
        self.assertEqual([e.description for e in page], ["Salary"])

    def test_page_count(self):
        self.assertEqual(ledger.page_count(self.entries, per_page=3), 3)


if __name__ == "__main__":
    unittest.main()
