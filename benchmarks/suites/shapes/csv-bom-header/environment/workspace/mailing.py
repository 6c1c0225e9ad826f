"""Who gets which newsletter.

    python3 mailing.py EXPORT.csv               # active subscribers per list
    python3 mailing.py EXPORT.csv --list NAME   # the addresses on one list
"""
import argparse
import sys
from collections import defaultdict

from loader import load_subscribers


def active_by_list(rows):
    lists = defaultdict(set)
    for row in rows:
        email = row["email"].lower()
        if row.get("status", "").lower() != "active" or "@" not in email:
            continue
        for name in row["list"].split("|"):
            if name.strip():
                lists[name.strip().lower()].add(email)
    return {name: sorted(emails) for name, emails in sorted(lists.items())}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Active newsletter subscribers per list.")
    parser.add_argument("export", help="subscriber export (CSV)")
    parser.add_argument("--list", dest="list_name", help="print the addresses on this list")
    args = parser.parse_args(argv)

    lists = active_by_list(load_subscribers(args.export))
    if args.list_name:
        for email in lists.get(args.list_name.lower(), []):
            print(email)
        return 0
    for name, emails in lists.items():
        print(f"{name:<12} {len(emails):>4}")
    print(f"{'unique':<12} {len(set().union(*lists.values())):>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
