def area_rect(width, height):
    """The area of a width x height rectangle."""
    return width * height


def perimeter_rect(width, height):
    return 2 * (width + height)
