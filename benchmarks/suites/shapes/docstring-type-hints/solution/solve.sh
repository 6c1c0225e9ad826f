#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("geometry.py")
s = p.read_text()
s = s.replace('import math\n', 'import math\n\nPoint = tuple[float, float]\n', 1)
swaps = {
    "def distance(p, q):\n": 'def distance(p: Point, q: Point) -> float:\n    """Straight-line distance between two points."""\n',
    "def midpoint(p, q) -> tuple[float, float]:\n": 'def midpoint(p: Point, q: Point) -> Point:\n    """The point halfway between p and q."""\n',
    "def polygon_area(points):\n": "def polygon_area(points: list[Point]) -> float:\n",
    "def perimeter(points):\n": 'def perimeter(points: list[Point]) -> float:\n    """Length of the closed outline through the corners."""\n',
    "def bounding_box(points):\n": 'def bounding_box(points: list[Point]) -> tuple[float, float, float, float]:\n    """(min x, min y, max x, max y) of the points."""\n',
    "def translate(points, dx, dy=0.0):\n": 'def translate(points: list[Point], dx: float, dy: float = 0.0) -> list[Point]:\n    """The points moved by (dx, dy)."""\n',
    "def is_clockwise(points):\n": "def is_clockwise(points: list[Point]) -> bool:\n",
}
for old, new in swaps.items():
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
