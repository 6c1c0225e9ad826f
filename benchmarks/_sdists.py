"""Real code no one here wrote: sdists pip-downloaded once into benchmarks/results/sdists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).parent / "results" / "sdists"


def fetch(name: str, version: str) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)

    def found() -> list[Path]:
        return [
            p for p in CACHE.glob("*") if p.name.lower().startswith(f"{name.lower()}-{version}.")
        ]

    if not found():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
             f"{name}=={version}", "-d", str(CACHE)],
            check=True, capture_output=True,
        )  # fmt: skip
    return found()[0]
