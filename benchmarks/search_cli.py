"""`reins search` from the command line, warm: wall time per query (target p50 ≤ 150 ms on
a 3,000-file repository), with the background index server and without it (the index
loaded in process for every query, as before the server). Django's sdist (6,810 files,
2,197 of them indexed: larger than the target's 3,000-file repository) is the repository;
the index is built before timing, so both sides are warm.

    python benchmarks/search_cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402
from search import extract  # noqa: E402

QUERIES = ["where are migrations applied", "QuerySet filter", "csrf token check",
           "render a template to string", "password hashing", "signal receivers",
           "paginate a list", "cache key", "url resolver", "send mail"]  # fmt: skip


def timed(repo: Path, query: str, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "reins", "search", query, "--repo", str(repo), "-n", "5"],
                   env=env, check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--in-process-runs",
        type=int,
        default=None,
        help="runs without the server (each takes seconds; default --runs)",
    )
    args = parser.parse_args()
    repo = extract("django", "5.1.4")
    files = sum(1 for p in repo.rglob("*") if p.is_file())
    with tempfile.TemporaryDirectory() as tmp:
        base = {**os.environ, "REINS_INDEX_DIR": tmp}
        off = {**base, "REINS_INDEX_SERVER": "0"}
        timed(repo, "warm up", off)  # builds the index
        slow_runs = args.runs if args.in_process_runs is None else args.in_process_runs
        without = [timed(repo, QUERIES[i % len(QUERIES)], off) for i in range(slow_runs)]
        timed(repo, "start the server", base)
        deadline = time.time() + 120
        while time.time() < deadline and timed(repo, "probe", base) > 0.5:
            time.sleep(1)  # the server loads the index in the background
        with_server = [timed(repo, QUERIES[i % len(QUERIES)], base) for i in range(args.runs)]
        subprocess.run(["pkill", "-f", f"reins.index.server {repo.resolve()}"], check=False)
    rows = []
    for name, times in (("in process (no server)", without), ("index server", with_server)):
        times.sort()
        rows.append({"mode": name, "repo files": files, "runs": len(times),
                     "p50_ms": round(statistics.median(times) * 1000, 1),
                     "p90_ms": round(times[math.ceil(0.9 * len(times)) - 1] * 1000, 1)})  # fmt: skip
    rows[1]["speedup"] = round(rows[0]["p50_ms"] / rows[1]["p50_ms"], 2)
    rows[1]["target_met"] = rows[1]["p50_ms"] <= 150
    report("search_cli", "reins search, warm, wall time per query (target p50 ≤ 150 ms)", rows)


if __name__ == "__main__":
    main()
