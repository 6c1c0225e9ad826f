"""CI check: every dependency in requirements.txt must be pinned with ==."""

import sys
from pathlib import Path

from reqparse import parse_requirements


def unpinned(requirements):
    return sorted(name for name, (operator, _) in requirements.items() if operator != "==")


def main():
    requirements = parse_requirements(Path("requirements.txt").read_text())
    loose = unpinned(requirements)
    print(f"{len(requirements)} requirements, {len(loose)} not pinned")
    for name in loose:
        print(f"  not pinned: {name}")
    return 1 if loose else 0


if __name__ == "__main__":
    sys.exit(main())
