"""Splitting search results into pages for the catalogue listing."""
from dataclasses import dataclass


@dataclass
class Page:
    items: list
    number: int      # 1-based
    per_page: int
    pages: int       # how many pages there are in all (at least 1)
    total: int       # how many items in all

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages

    @property
    def first_index(self):
        """1-based position of the first item on this page (0 when there are none)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    def label(self):
        if not self.total:
            return "No results"
        last = self.first_index + len(self.items) - 1
        return f"Showing {self.first_index}-{last} of {self.total} (page {self.number} of {self.pages})"


def page_count(total, per_page):
    """How many pages `total` items fill; an empty result is still one (empty) page."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    return total // per_page + 1


def paginate(items, number, per_page=20):
    """Page `number` (1-based) of `items`. Numbers past the end give the last page,
    numbers below 1 the first one."""
    items = list(items)
    pages = page_count(len(items), per_page)
    number = min(max(number, 1), pages)
    start = (number - 1) * per_page
    return Page(items[start:start + per_page], number, per_page, pages, len(items))


def page_links(page, window=2):
    """Page numbers to show around the current one, None for a gap: [1, None, 4, 5, 6, None, 12]."""
    wanted = {1, page.pages} | set(range(page.number - window, page.number + window + 1))
    shown = sorted(n for n in wanted if 1 <= n <= page.pages)
    links = []
    for n in shown:
        if links and n - links[-1] > 1:
            links.append(None)
        links.append(n)
    return links
