from data import load_scores
from stats import average, best

if __name__ == "__main__":
    rows = load_scores("scores.csv")
    for name, score in rows:
        print(f"{name:<8}{score:>4}")
    print(f"average {average(rows):.1f}, best {best(rows)}")
