"""Turning timesheet entries into invoice lines."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .durations import format_minutes, parse_duration, round_up


@dataclass
class Entry:
    day: str          # ISO date
    client: str
    task: str
    duration: str     # as typed, e.g. "1h20m"


def billable_minutes(entry, step=15):
    return round_up(parse_duration(entry.duration), step)


def amount(minutes, hourly_rate):
    """Money for `minutes` at `hourly_rate` (a Decimal or str), rounded to cents."""
    value = Decimal(minutes) * Decimal(hourly_rate) / 60
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def invoice_lines(entries, client, hourly_rate, step=15):
    """(day, task, billed time, amount) for one client's entries, in date order."""
    lines = []
    for entry in sorted(entries, key=lambda e: e.day):
        if entry.client != client:
            continue
        minutes = billable_minutes(entry, step)
        lines.append((entry.day, entry.task, format_minutes(minutes), amount(minutes, hourly_rate)))
    return lines


def invoice_total(entries, client, hourly_rate, step=15):
    return sum((line[3] for line in invoice_lines(entries, client, hourly_rate, step)), Decimal("0.00"))
