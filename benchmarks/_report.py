"""Shared output for benchmarks: a rich table on stdout and a JSON file in benchmarks/results/."""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).parent / "results"


def report(name: str, title: str, rows: list[dict], extra: dict | None = None) -> Path:
    table = Table(title=title)
    for column in rows[0]:
        table.add_column(column)
    for row in rows:
        table.add_row(*(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()))
    Console().print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "rows": rows,
        **(extra or {}),
    }
    path.write_text(json.dumps(payload, indent=2))
    print(f"wrote {path}")
    return path
