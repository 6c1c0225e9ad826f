import csv


def load_scores(path):
    """Read a CSV with columns name,score."""
    with open(path, newline="") as f:
        return [(row["name"], int(row["score"])) for row in csv.DictReader(f)]
