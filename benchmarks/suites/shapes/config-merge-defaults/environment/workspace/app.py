"""Print the settings the backend would run with.

    python3 app.py [settings.json]
"""
import sys

from config import load_config


def main(argv):
    config = load_config(argv[0] if argv else "settings.json")
    db = config["database"]
    print(f"debug:    {config['debug']}")
    print(f"database: postgres://{db['host']}:{db['port']}/{db['name']} (pool {db['pool']['min']}-{db['pool']['max']})")
    print(f"cache:    {config['cache']['backend']}, {config['cache']['ttl_seconds']}s")
    print(f"hosts:    {', '.join(config['allowed_hosts'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
