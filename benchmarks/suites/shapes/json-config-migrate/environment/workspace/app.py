"""Ledger Sync: copies ledger entries to the reporting database. For now it prints its settings."""

from loader import load_settings


def main():
    settings = load_settings()
    print(f"{settings.app_name} ({settings.environment})")
    print(f"  database:  {settings.database_url}")
    print(f"  retries:   {settings.retries}")
    print(f"  log level: {settings.log_level}")


if __name__ == "__main__":
    main()
