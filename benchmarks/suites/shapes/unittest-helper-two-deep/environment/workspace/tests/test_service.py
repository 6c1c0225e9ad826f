import unittest

from service import largest_expense, statement_total

LINES = [
    "2024-03-01;Salary;$2,450.00",
    "2024-03-03;Rent;($1,200.00)",
    "2024-03-05;Groceries;(84.30)",
    "2024-03-09;Refund;12.50",
]


class StatementTest(unittest.TestCase):
    def test_total(self):
        self.assertEqual(statement_total(LINES), 1178.2)

    def test_largest_expense(self):
        self.assertEqual(largest_expense(LINES), "Rent")

    def test_small_amounts(self):
        self.assertEqual(statement_total(["2024-03-02;Coffee;(3.20)", "2024-03-02;Tip;0.80"]), -2.4)


if __name__ == "__main__":
    unittest.main()
