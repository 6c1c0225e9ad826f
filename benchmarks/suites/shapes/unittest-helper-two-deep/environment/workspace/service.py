from helper import parse_amount


def _rows(lines):
    for line in lines:
        date, description, amount = line.split(";")
        yield date, description, parse_amount(amount)


def statement_total(lines):
    """Sum of the amount column of 'date;description;amount' lines."""
    return round(sum(amount for _, _, amount in _rows(lines)), 2)


def largest_expense(lines):
    """Description of the most negative amount, or None if nothing was spent."""
    amount, description = min((amount, description) for _, description, amount in _rows(lines))
    return description if amount < 0 else None
