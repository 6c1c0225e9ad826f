import unittest

from roman import from_roman, to_roman


class ToRomanTest(unittest.TestCase):
    def test_simple(self):
        self.assertEqual(to_roman(1), "I")
        self.assertEqual(to_roman(3), "III")
        self.assertEqual(to_roman(8), "VIII")

    def test_subtractive(self):
        self.assertEqual(to_roman(4), "IV")
        self.assertEqual(to_roman(9), "IX")
        self.assertEqual(to_roman(40), "XL")
        self.assertEqual(to_roman(1994), "MCMXCIV")

    def test_largest(self):
        self.assertEqual(to_roman(3999), "MMMCMXCIX")

    def test_out_of_range(self):
        for n in (0, -1, 4000):
            with self.assertRaises(ValueError):
                to_roman(n)


class FromRomanTest(unittest.TestCase):
    def test_values(self):
        self.assertEqual(from_roman("XIV"), 14)
        self.assertEqual(from_roman("MMXXIV"), 2024)

    def test_round_trip(self):
        for n in range(1, 400):
            self.assertEqual(from_roman(to_roman(n)), n)


if __name__ == "__main__":
    unittest.main()
