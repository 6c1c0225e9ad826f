import sys

from api import list_products
from paging import paginate

if __name__ == "__main__":
    page = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    result = list_products(page)
    print(f"page {result['page']}/{result['pages']}: {', '.join(result['items'])}")
    letters, pages = paginate(list("abcdefg"), page=2, size=3)
    print(f"letters, page 2 of {pages}: {letters}")
