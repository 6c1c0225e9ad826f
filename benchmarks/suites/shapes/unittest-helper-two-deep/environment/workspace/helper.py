def parse_amount(text):
    """Parse a money amount: '$1,234.50' -> 1234.5, '(12.00)' -> -12.0 (accounting negative)."""
    text = text.strip().replace("$", "")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    value = float(text)
    return -value if negative else value
