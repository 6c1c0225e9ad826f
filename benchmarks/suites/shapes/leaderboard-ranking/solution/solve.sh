#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("leaderboard.py")
s = p.read_text()
old = """    players = sorted(points)
    for rank, player in enumerate(players, start=1):
"""
new = """    players = sorted(points, key=lambda player: (-points[player], player))
    rank = 0
    for position, player in enumerate(players, start=1):
        if position == 1 or points[player] != points[players[position - 2]]:
            rank = position
"""
assert old in s
p.write_text(s.replace(old, new, 1))
PY
python3 leaderboard.py scores.csv
