from geometry import area_rect, perimeter_rect


def describe(width, height):
    return f"{width}x{height}: area {area_rect(width, height)}, perimeter {perimeter_rect(width, height)}"
