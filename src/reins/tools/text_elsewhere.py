"""Where else in the workspace an edit's old text stands, when it is not in the file edited.

A small model copies `old_string` from what it last read: a traceback's line, a test file's
assertion, another module it was shown. "Not found" with the closest lines of the wrong
file leaves it sending the same edit again; saying which file has that text is what it
needs (in the logged trials, about a quarter of the failed edits whose text the prompt
held came from a traceback, a test file or another file shown).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

SEARCH_TIMEOUT_S = 2.0
MAX_PLACES = 2
MIN_LINE_CHARS = 16  # `return False`: in too many files to say anything


def loose_pattern(line: str) -> str:
    """A regex for `line` with either quote for each quote and any run of spaces for each
    (the model re-quotes what it copies: `['SUM', 'MULTIPLY']` from `["SUM", "MULTIPLY"]`)."""
    parts = []
    for token in re.split(r"(\s+|['\"])", line):
        if not token:
            continue
        if token in ("'", '"'):
            parts.append("['\"]")
        elif token.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(token))
    return "".join(parts)


def text_elsewhere(root: Path, old: str, edited: str) -> list[str]:
    """`path:line` of the first place in each other file where the longest line of `old`
    stands (either quote, any spacing; .gitignore respected). [] when the file edited has that line too,
    when no file has it or more than MAX_PLACES do (a line that common says nothing of
    where the model took it from), when the line is too short, or when ripgrep is missing
    or too slow."""
    line = max((t.strip() for t in old.splitlines()), key=len, default="")
    rg = shutil.which("rg")
    if len(line) < MIN_LINE_CHARS or rg is None or "\x00" in line:
        return []
    argv = [rg, "--line-number", "--no-heading", "--color", "never", "--max-count", "1",
            "--glob", "!.git", "-e", loose_pattern(line)]  # fmt: skip
    try:
        done = subprocess.run(
            argv, cwd=root, capture_output=True, timeout=SEARCH_TIMEOUT_S,
            stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return []
    places, target = [], (root / edited).resolve()
    for hit in done.stdout.decode("utf-8", errors="replace").splitlines():
        path, _, rest = hit.partition(":")
        number = rest.partition(":")[0]
        if (root / path).resolve() == target:
            return []  # the line is in the file edited: the rest of old_string is what is off
        if number.isdigit():
            places.append(f"{path.removeprefix('./')}:{number}")
    return sorted(places) if len(places) <= MAX_PLACES else []
