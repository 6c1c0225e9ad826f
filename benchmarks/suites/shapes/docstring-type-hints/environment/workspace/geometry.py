"""2-D geometry helpers for the floor-plan tool. Points are (x, y) tuples of floats, in metres."""

import math


def distance(p, q):
    return math.hypot(q[0] - p[0], q[1] - p[1])


def midpoint(p, q) -> tuple[float, float]:
    return ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)


def polygon_area(points):
    """Area of a simple polygon whose corners are given in order (shoelace formula)."""
    return abs(_signed_area(points))


def perimeter(points):
    return sum(distance(points[i], points[(i + 1) % len(points)]) for i in range(len(points)))


def bounding_box(points):
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return (min(xs), min(ys), max(xs), max(ys))


def translate(points, dx, dy=0.0):
    return [(x + dx, y + dy) for x, y in points]


def is_clockwise(points):
    """True when the corners go round clockwise (y axis pointing up)."""
    return _signed_area(points) < 0


def _signed_area(points):
    total = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
        total += x1 * y2 - x2 * y1
    return total / 2
