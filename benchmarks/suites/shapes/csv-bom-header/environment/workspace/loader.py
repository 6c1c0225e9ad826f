"""Reading subscriber exports (CSV with a header row)."""
import csv

REQUIRED = ("email", "list", "status")


def normalise_header(name):
    return name.strip().lower().replace(" ", "_")


def load_subscribers(path):
    """The rows of a subscriber export as dicts, header names normalised
    ("Email " -> "email", "Signed Up" -> "signed_up")."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        try:
            header = [normalise_header(name) for name in next(reader)]
        except StopIteration:
            return []
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append(dict(zip(header, (v.strip() for v in values))))
        return rows
