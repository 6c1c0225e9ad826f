"""A small personal-finance ledger.

Entries are read from a CSV file with the columns date, description, category, amount
(amount in cents, negative for spending). The functions below filter, group, total and
format them for the command-line reports in `report.py`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

DATE_FORMAT = "%Y-%m-%d"
DEFAULT_PAGE_SIZE = 20
CURRENCY_SYMBOL = "$"


@dataclass(frozen=True)
class Entry:
    date: dt.date
    description: str
    category: str
    amount: int  # cents; negative for spending
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_income(self) -> bool:
        return self.amount > 0

    @property
    def is_expense(self) -> bool:
        return self.amount < 0


class LedgerError(ValueError):
    """A line of the ledger that cannot be read."""


# --- reading -------------------------------------------------------------------------


def parse_amount(text: str) -> int:
    """'12.34' -> 1234, '-5' -> -500, '1,200.50' -> 120050."""
    cleaned = text.strip().replace(",", "").replace(CURRENCY_SYMBOL, "")
    if not cleaned:
        raise LedgerError("empty amount")
    negative = cleaned.startswith("-")
    if negative:
        cleaned = cleaned[1:]
    whole, _, frac = cleaned.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > 2:
        raise LedgerError(f"bad amount: {text!r}")
    cents = int(whole) * 100 + int(frac.ljust(2, "0") or 0)
    return -cents if negative else cents


def parse_date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), DATE_FORMAT).date()
    except ValueError as error:
        raise LedgerError(f"bad date: {text!r}") from error


def parse_tags(text: str) -> tuple[str, ...]:
    return tuple(sorted({t.strip().lower() for t in text.split(";") if t.strip()}))


def parse_row(row: dict[str, str]) -> Entry:
    return Entry(
        date=parse_date(row["date"]),
        description=row["description"].strip(),
        category=row.get("category", "").strip().lower() or "uncategorized",
        amount=parse_amount(row["amount"]),
        tags=parse_tags(row.get("tags", "") or ""),
    )


def read_entries(lines: Iterable[str]) -> list[Entry]:
    """Entries from CSV text (with a header line), sorted by date."""
    entries = []
    for number, row in enumerate(csv.DictReader(lines), start=2):
        try:
            entries.append(parse_row(row))
        except (KeyError, LedgerError) as error:
            raise LedgerError(f"line {number}: {error}") from error
    return sorted(entries, key=lambda e: e.date)


def load(path: str) -> list[Entry]:
    with open(path, newline="") as f:
        return read_entries(f)


# --- filtering -----------------------------------------------------------------------


def in_category(entries: Iterable[Entry], category: str) -> list[Entry]:
    category = category.lower()
    return [e for e in entries if e.category == category]


def with_tag(entries: Iterable[Entry], tag: str) -> list[Entry]:
    tag = tag.lower()
    return [e for e in entries if tag in e.tags]


def between(entries: Iterable[Entry], start: dt.date, end: dt.date) -> list[Entry]:
    """Entries dated from start to end, both included."""
    return [e for e in entries if start <= e.date <= end]


def in_month(entries: Iterable[Entry], year: int, month: int) -> list[Entry]:
    return [e for e in entries if e.date.year == year and e.date.month == month]


def search(entries: Iterable[Entry], text: str) -> list[Entry]:
    text = text.lower()
    return [e for e in entries if text in e.description.lower()]


def expenses(entries: Iterable[Entry]) -> list[Entry]:
    return [e for e in entries if e.is_expense]


def income(entries: Iterable[Entry]) -> list[Entry]:
    return [e for e in entries if e.is_income]


# --- totals --------------------------------------------------------------------------


def balance(entries: Iterable[Entry]) -> int:
    return sum(e.amount for e in entries)


def totals_by_category(entries: Iterable[Entry]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for e in entries:
        totals[e.category] += e.amount
    return dict(sorted(totals.items()))


def totals_by_month(entries: Iterable[Entry]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for e in entries:
        totals[f"{e.date.year:04d}-{e.date.month:02d}"] += e.amount
    return dict(sorted(totals.items()))


def running_balance(entries: Iterable[Entry], opening: int = 0) -> Iterator[tuple[Entry, int]]:
    total = opening
    for e in entries:
        total += e.amount
        yield e, total


def largest_expenses(entries: Iterable[Entry], n: int = 5) -> list[Entry]:
    return sorted(expenses(entries), key=lambda e: e.amount)[:n]


def average_monthly_spending(entries: Iterable[Entry]) -> int:
    months = totals_by_month(expenses(entries))
    if not months:
        return 0
    return round(-sum(months.values()) / len(months))


def duplicates(entries: Iterable[Entry]) -> list[tuple[Entry, Entry]]:
    """Pairs of entries with the same date, description and amount (likely imported twice)."""
    seen: dict[tuple[dt.date, str, int], Entry] = {}
    pairs = []
    for e in entries:
        key = (e.date, e.description.lower(), e.amount)
        if key in seen:
            pairs.append((seen[key], e))
        else:
            seen[key] = e
    return pairs


def recurring(entries: Iterable[Entry], min_months: int = 3) -> list[str]:
    """Descriptions that show up in at least `min_months` different months."""
    months: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for e in entries:
        months[e.description.lower()].add((e.date.year, e.date.month))
    return sorted(d for d, seen in months.items() if len(seen) >= min_months)


# --- budgets -------------------------------------------------------------------------


@dataclass
class Budget:
    category: str
    limit: int  # cents per month

    def spent(self, entries: Iterable[Entry], year: int, month: int) -> int:
        chosen = in_category(in_month(entries, year, month), self.category)
        return -sum(e.amount for e in chosen if e.is_expense)

    def remaining(self, entries: Iterable[Entry], year: int, month: int) -> int:
        return self.limit - self.spent(entries, year, month)

    def over(self, entries: Iterable[Entry], year: int, month: int) -> bool:
        return self.remaining(entries, year, month) < 0


def budget_report(budgets: Iterable[Budget], entries: list[Entry], year: int, month: int) -> list[str]:
    lines = []
    for budget in sorted(budgets, key=lambda b: b.category):
        spent = budget.spent(entries, year, month)
        flag = "  OVER" if budget.over(entries, year, month) else ""
        lines.append(f"{budget.category:<14}{format_amount(spent):>12} / {format_amount(budget.limit)}{flag}")
    return lines


# --- paging and formatting -----------------------------------------------------------


def page_count(entries: list[Entry], per_page: int = DEFAULT_PAGE_SIZE) -> int:
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    return max(1, -(-len(entries) // per_page))


def paginate(entries: list[Entry], page: int, per_page: int = DEFAULT_PAGE_SIZE) -> list[Entry]:
    """The entries on one page of a listing; pages are numbered from 1."""
    if page < 1:
        raise ValueError("pages are numbered from 1")
    start = page * per_page
    return entries[start:start + per_page]


def format_amount(cents: int) -> str:
    """1234 -> '$12.34', -50 -> '-$0.50', 123456789 -> '$1,234,567.89'."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{CURRENCY_SYMBOL}{whole:,}.{frac:02d}"


def format_entry(entry: Entry, width: int = 30) -> str:
    description = entry.description
    if len(description) > width:
        description = description[:width - 1] + "…"
    tags = f"  [{', '.join(entry.tags)}]" if entry.tags else ""
    return f"{entry.date:%Y-%m-%d}  {description:<{width}}  {format_amount(entry.amount):>12}{tags}"


def format_page(entries: list[Entry], page: int, per_page: int = DEFAULT_PAGE_SIZE) -> str:
    shown = paginate(entries, page, per_page)
    lines = [format_entry(e) for e in shown]
    lines.append(f"-- page {page} of {page_count(entries, per_page)} --")
    return "\n".join(lines)


def summary(entries: list[Entry]) -> str:
    if not entries:
        return "No entries."
    first, last = entries[0].date, entries[-1].date
    return "\n".join([
        f"{len(entries)} entries from {first:%Y-%m-%d} to {last:%Y-%m-%d}",
        f"income   {format_amount(balance(income(entries))):>14}",
        f"expenses {format_amount(balance(expenses(entries))):>14}",
        f"balance  {format_amount(balance(entries)):>14}",
    ])


# --- writing -------------------------------------------------------------------------


def to_row(entry: Entry) -> dict[str, str]:
    whole, frac = divmod(abs(entry.amount), 100)
    amount = f"{'-' if entry.amount < 0 else ''}{whole}.{frac:02d}"
    return {
        "date": entry.date.strftime(DATE_FORMAT),
        "description": entry.description,
        "category": entry.category,
        "amount": amount,
        "tags": ";".join(entry.tags),
    }


def write_entries(entries: Iterable[Entry], stream) -> None:
    writer = csv.DictWriter(stream, fieldnames=["date", "description", "category", "amount", "tags"])
    writer.writeheader()
    for entry in entries:
        writer.writerow(to_row(entry))
