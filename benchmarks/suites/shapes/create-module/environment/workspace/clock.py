"""Prints today's date with the year in Roman numerals, for the footer of the old site."""

import datetime

from roman import to_roman


def footer(today=None):
    today = today or datetime.date.today()
    return f"© {to_roman(today.year)}"


if __name__ == "__main__":
    print(footer())
