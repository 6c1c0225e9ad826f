import os
import sys
import unittest
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from timesheet import Entry, format_minutes, invoice_lines, invoice_total, parse_duration  # noqa: E402

ENTRIES = [
    Entry("2024-05-06", "acme", "Kick-off call", "50m"),
    Entry("2024-05-07", "acme", "Landing page", "2h"),
    Entry("2024-05-07", "globex", "Bug triage", "1h05m"),
    Entry("2024-05-08", "acme", "Fix contact form", "1.5h"),
    Entry("2024-05-09", "acme", "Deploy", "7"),
]


class DurationTest(unittest.TestCase):
    def test_parse(self):
        self.assertEqual(parse_duration("1h30m"), 90)
        self.assertEqual(parse_duration(" 45m "), 45)
        self.assertEqual(parse_duration("1.5h"), 90)
        self.assertEqual(parse_duration("20"), 20)
        with self.assertRaises(ValueError):
            parse_duration("soon")

    def test_format(self):
        self.assertEqual(format_minutes(45), "45m")
        self.assertEqual(format_minutes(120), "2h")
        self.assertEqual(format_minutes(75), "1h15m")


class BillingTest(unittest.TestCase):
    def test_started_quarter_hours_are_billed(self):
        lines = invoice_lines(ENTRIES, "acme", "80")
        self.assertEqual([line[2] for line in lines], ["1h", "2h", "1h30m", "15m"])

    def test_invoice_lines(self):
        self.assertEqual(invoice_lines(ENTRIES, "globex", "90.00"),
                         [("2024-05-07", "Bug triage", "1h15m", Decimal("112.50"))])

    def test_invoice_total(self):
        self.assertEqual(invoice_total(ENTRIES, "acme", "80"), Decimal("380.00"))
        self.assertEqual(invoice_total(ENTRIES, "initech", "80"), Decimal("0.00"))


if __name__ == "__main__":
    unittest.main()
