"""Money arithmetic for invoices."""

from dataclasses import dataclass

VAT_RATE = 0.19


@dataclass
class Totals:
    net: float
    vat: float
    gross: float


def line_total(line):
    return round(line.quantity * line.unit_price, 2)


def compute_totals(order):
    net = round(sum(line_total(line) for line in order.lines), 2)
    vat = round(net * VAT_RATE, 2)
    return Totals(net, vat, round(net + vat, 2))
