import unittest

from receipt import build_receipt


def last_amount(line):
    return line.split()[-1]


class ReceiptTest(unittest.TestCase):
    def test_item_lines(self):
        lines = build_receipt([("Tea", "4.50", 2), ("Mug", "12.99", 1)])
        self.assertEqual(lines[0], "Tea                   2 x    4.50      9.00")
        self.assertEqual(lines[1], "Mug                   1 x   12.99     12.99")

    def test_totals(self):
        lines = build_receipt([("Tea", "4.50", 2), ("Mug", "12.99", 1)])
        self.assertEqual([last_amount(l) for l in lines[-3:]], ["21.99", "1.81", "23.80"])

    def test_tax_rounds_half_up(self):
        # 8.25 % of 50.00 is 4.125, which the till rounds up to 4.13
        lines = build_receipt([("Kettle", "50.00", 1)])
        self.assertEqual([last_amount(l) for l in lines[-3:]], ["50.00", "4.13", "54.13"])

    def test_no_tax_on_empty_cart(self):
        self.assertEqual([last_amount(l) for l in build_receipt([])], ["0.00", "0.00", "0.00"])


if __name__ == "__main__":
    unittest.main()
