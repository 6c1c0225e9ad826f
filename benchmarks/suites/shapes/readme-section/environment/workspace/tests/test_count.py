import unittest

from tally import count


class CountTest(unittest.TestCase):
    def test_count(self):
        self.assertEqual(count("a b\nc\n"), {"words": 3, "lines": 2, "chars": 6})
