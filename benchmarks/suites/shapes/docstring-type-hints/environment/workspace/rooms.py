"""Print the rooms of a floor plan with their areas: python3 rooms.py"""

from geometry import bounding_box, perimeter, polygon_area

ROOMS = {
    "kitchen": [(0, 0), (4, 0), (4, 3), (0, 3)],
    "living room": [(4, 0), (10, 0), (10, 5), (7, 5), (7, 3), (4, 3)],
    "hall": [(0, 3), (7, 3), (7, 4.5), (0, 4.5)],
}

if __name__ == "__main__":
    for name, corners in ROOMS.items():
        x0, y0, x1, y1 = bounding_box(corners)
        print(f"{name:<12} {polygon_area(corners):6.2f} m2  perimeter {perimeter(corners):5.2f} m"
              f"  ({x1 - x0:g} x {y1 - y0:g} m)")
