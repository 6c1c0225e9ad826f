"""Freelance timesheets: parse logged time, bill it, summarise the week."""

from .durations import format_minutes, parse_duration, round_up
from .billing import Entry, invoice_lines, invoice_total

__all__ = ["Entry", "format_minutes", "invoice_lines", "invoice_total", "parse_duration", "round_up"]
