"""Plain-text invoice layout."""

from totals import VAT_RATE, line_total

WIDTH = 56


def money(amount):
    return f"{amount:,.2f}"


def render_invoice(order, customer, totals):
    out = [f"INVOICE {order.id}".ljust(WIDTH - 16) + f"Date: {order.date}", ""]
    out.append(f"Bill to: {customer.name}")
    for line in customer.address:
        out.append(f"         {line}")
    out.append("")
    out.append(f"{'Item':<28}{'Qty':>5}{'Price':>11}{'Total':>12}")
    out.append("-" * WIDTH)
    for line in order.lines:
        out.append(f"{line.description[:28]:<28}{line.quantity:>5}"
                   f"{money(line.unit_price):>11}{money(line_total(line)):>12}")
    out.append("-" * WIDTH)
    out.append(f"{'Net':<44}{money(totals.net):>12}")
    out.append(f"{f'VAT {VAT_RATE:.0%}':<44}{money(totals.vat):>12}")
    out.append(f"{'Total due':<44}{money(totals.gross):>12}")
    return "\n".join(out)
