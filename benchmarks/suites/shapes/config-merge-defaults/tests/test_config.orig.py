import json
import os
import tempfile
import unittest

from config import load_config


class LoadConfigTest(unittest.TestCase):
    def write(self, data):
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
        self.addCleanup(os.remove, path)
        return path

    def test_no_file_gives_defaults(self):
        config = load_config(None)
        self.assertFalse(config["debug"])
        self.assertEqual(config["database"]["port"], 5432)
        self.assertEqual(config["cache"], {"backend": "memory", "ttl_seconds": 300})

    def test_top_level_value(self):
        config = load_config(self.write({"debug": True}))
        self.assertTrue(config["debug"])
        self.assertEqual(config["database"]["host"], "localhost")

    def test_partial_section_keeps_other_defaults(self):
        config = load_config(self.write({"database": {"port": 5433}}))
        self.assertEqual(config["database"]["port"], 5433)
        self.assertEqual(config["database"]["host"], "localhost")
        self.assertEqual(config["database"]["name"], "shop")

    def test_new_keys_are_kept(self):
        config = load_config(self.write({"sentry_dsn": "https://key@sentry.example.com/1"}))
        self.assertEqual(config["sentry_dsn"], "https://key@sentry.example.com/1")


if __name__ == "__main__":
    unittest.main()
