from paging import paginate

PRODUCTS = [f"product-{n:02d}" for n in range(1, 24)]


def list_products(page=1):
    items, pages = paginate(PRODUCTS, page=page, size=5)
    return {"page": page, "pages": pages, "items": items}
