"""Export the address book (contacts.json) as CSV.

    python3 export_contacts.py                      # CSV to stdout
    python3 export_contacts.py --out contacts.csv   # CSV to a file
"""
import argparse
import csv
import json
import sys

FIELDS = ["name", "email", "phone", "company"]


def build_parser():
    parser = argparse.ArgumentParser(description="Export contacts as CSV.", allow_abbrev=False)
    parser.add_argument("--source", default="contacts.json", help="address book to read (default: %(default)s)")
    parser.add_argument("-o", "--out", metavar="PATH", help="write the CSV here instead of stdout")
    parser.add_argument("--delimiter", default=",", help="field separator (default: %(default)r)")
    parser.add_argument("--company", help="only export contacts from this company")
    return parser


def load_contacts(path, company=None):
    with open(path) as f:
        contacts = json.load(f)
    if company:
        contacts = [c for c in contacts if c.get("company", "").lower() == company.lower()]
    return sorted(contacts, key=lambda c: c["name"].lower())


def write_csv(contacts, stream, delimiter):
    writer = csv.DictWriter(stream, fieldnames=FIELDS, delimiter=delimiter, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for contact in contacts:
        writer.writerow({field: contact.get(field, "") for field in FIELDS})


def main(argv=None):
    args = build_parser().parse_args(argv)
    contacts = load_contacts(args.source, args.company)
    if args.out:
        with open(args.out, "w", newline="") as f:
            write_csv(contacts, f, args.delimiter)
        print(f"wrote {len(contacts)} contacts to {args.out}", file=sys.stderr)
    else:
        write_csv(contacts, sys.stdout, args.delimiter)


if __name__ == "__main__":
    main()
