import sys

from loader import load_books

if __name__ == "__main__":
    books = load_books(sys.argv[1] if len(sys.argv) > 1 else "books.csv")
    for book in sorted(books, key=lambda b: b.year):
        print(book.label())
    print(f"{len(books)} books")
