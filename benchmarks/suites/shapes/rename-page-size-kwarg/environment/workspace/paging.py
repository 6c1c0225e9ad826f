def paginate(items, page=1, size=10):
    """Return (items on that page, number of pages); pages are numbered from 1."""
    if size < 1:
        raise ValueError("size must be at least 1")
    pages = max(1, -(-len(items) // size))
    start = (page - 1) * size
    return items[start:start + size], pages
