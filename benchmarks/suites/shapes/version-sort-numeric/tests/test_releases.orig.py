import unittest

from releases import find, latest, newest_first, since

RELEASES = [
    {"version": "1.8", "date": "2024-01-15", "summary": "Ignore files"},
    {"version": "1.10", "date": "2024-05-20", "summary": "Undo last run"},
    {"version": "1.7", "date": "2023-11-02", "summary": "Faster directory scan"},
    {"version": "1.9", "date": "2024-03-04", "summary": "Dry-run mode"},
    {"version": "1.8.1", "date": "2024-01-22", "summary": "Fix crash on empty ignore file"},
]


def versions(releases):
    return [r["version"] for r in releases]


class ReleasesTest(unittest.TestCase):
    def test_newest_first(self):
        self.assertEqual(versions(newest_first(RELEASES)), ["1.10", "1.9", "1.8.1", "1.8", "1.7"])

    def test_latest(self):
        self.assertEqual(latest(RELEASES)["version"], "1.10")
        self.assertIsNone(latest([]))

    def test_since(self):
        self.assertEqual(versions(since(RELEASES, "1.8")), ["1.8.1", "1.9", "1.10"])
        self.assertEqual(versions(since(RELEASES, "v1.9")), ["1.10"])

    def test_find(self):
        self.assertEqual(find(RELEASES, "1.9")["summary"], "Dry-run mode")
        self.assertEqual(find(RELEASES, "v1.8.1")["version"], "1.8.1")
        self.assertIsNone(find(RELEASES, "2.0"))


if __name__ == "__main__":
    unittest.main()
