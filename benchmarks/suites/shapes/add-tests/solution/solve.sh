#!/usr/bin/env bash
set -euo pipefail
cat > test_textutil.py <<'PY'
import unittest

from textutil import slugify


class SlugifyTest(unittest.TestCase):
    def test_lowercase(self):
        self.assertEqual(slugify("Hello"), "hello")

    def test_runs_become_one_hyphen(self):
        self.assertEqual(slugify("a  b, c"), "a-b-c")

    def test_no_hyphen_at_ends(self):
        self.assertEqual(slugify("  Hello, World! "), "hello-world")


if __name__ == "__main__":
    unittest.main()
PY
