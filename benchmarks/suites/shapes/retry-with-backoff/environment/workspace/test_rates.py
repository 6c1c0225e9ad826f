import unittest
from unittest import mock

import rates

BODY = '{"base": "EUR", "rates": {"USD": "1.08", "GBP": 0.85}}'


class FetchRatesTest(unittest.TestCase):
    def test_parses_rates(self):
        with mock.patch("rates.http_get", return_value=BODY) as get:
            self.assertEqual(rates.fetch_rates("EUR"), {"USD": 1.08, "GBP": 0.85})
        get.assert_called_once_with("https://rates.example.com/v1/latest?base=EUR")

    def test_wrong_base_is_an_error(self):
        with mock.patch("rates.http_get", return_value=BODY):
            with self.assertRaises(ValueError):
                rates.fetch_rates("USD")


if __name__ == "__main__":
    unittest.main()
