import csv

from models import Book


def load_books(path):
    with open(path, newline="") as f:
        return [Book(row["title"], row["author"], int(row["year"])) for row in csv.DictReader(f)]
