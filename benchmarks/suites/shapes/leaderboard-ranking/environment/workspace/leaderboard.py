"""Print the league table: python3 leaderboard.py scores.csv

scores.csv has one row per game played: player,game,points
"""

import csv
import sys
from collections import defaultdict


def totals(rows):
    points = defaultdict(int)
    games = defaultdict(int)
    for row in rows:
        player = row["player"].strip()
        points[player] += int(row["points"])
        games[player] += 1
    return points, games


def table(points, games):
    lines = [f"{'#':>3}  {'Player':<12}{'Games':>6}{'Points':>8}"]
    players = sorted(points)
    for rank, player in enumerate(players, start=1):
        lines.append(f"{rank:>3}. {player:<12}{games[player]:>6}{points[player]:>8}")
    return "\n".join(lines)


def main(argv):
    if len(argv) != 2:
        print("usage: python3 leaderboard.py scores.csv", file=sys.stderr)
        return 2
    with open(argv[1], newline="") as f:
        points, games = totals(csv.DictReader(f))
    print(table(points, games))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
