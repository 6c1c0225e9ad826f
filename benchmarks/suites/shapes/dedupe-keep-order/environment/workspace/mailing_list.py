"""Export the newsletter addresses from the signup form's CSV, one per line.

    python3 mailing_list.py signups.csv > newsletter.txt

Only people who ticked the newsletter box (newsletter = yes) are exported.
"""
import csv
import sys


def newsletter_emails(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row["newsletter"].strip().lower() == "yes"]
    return list(set(row["email"] for row in rows))


def main(argv):
    if len(argv) != 1:
        print("usage: python3 mailing_list.py SIGNUPS.csv", file=sys.stderr)
        return 2
    emails = newsletter_emails(argv[0])
    for email in emails:
        print(email)
    print(f"{len(emails)} addresses", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
