from geometry import area_rect
from report import describe

if __name__ == "__main__":
    print(describe(3, 4))
    print("total", area_rect(3, 4) + area_rect(1, 2))
