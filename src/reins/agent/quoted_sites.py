"""The code files where the text a request quotes appears (profile `attach_quoted`).

"Add a line `VAT ID: <their id>` directly under the `Bill to:` line" names no file. The
embedded model then guessed a path (`data/invoice-vat-line`) and edited it until the
doom-loop guard ended the run. A person would search for "Bill to:": the one file that
prints it is where the change goes. So a request that attaches no code file gets
the code files where its quoted phrases (in backticks or double quotes, with a space or a
sign in them: text, not a code name) appear, when they are one or two: those are
attached as if the request had named them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from reins.agent.attachments import TEST_FILE
from reins.agent.name_sites import SEARCH_TIMEOUT_S
from reins.agent.request_shape import ELIDED, TEST_COMMAND, is_script_run
from reins.index.chunker import language_for

QUOTED = re.compile(r"`([^`\n]{3,80})`|\"([^\"\n]{3,80})\"")
MAX_PHRASES = 6  # looked up per request
MAX_FILES = 2  # more files than this: the phrase says too little about where to look
# Not the project's code even outside a git repository (where .gitignore is not read)
VENDORED = (".git", "node_modules", ".venv", "venv", "site-packages", "dist", "build",
            "__pycache__", "vendor", "third_party")  # fmt: skip
# `import os`, `return None`, `print(x)`: code, found in many files, not text the program shows
CODE_SNIPPET = re.compile(
    r"^(?:import|from|return|def|class|const|let|var|function|if|for|while|raise|throw|"
    r"assert|await|async|yield|lambda)\b|^\w+(?:\.\w+)*\(.*\)$"
)
HEADER = (
    "\n\n# Files where the text quoted above appears, as they are now (already read for "
    "you; do not read them again)"
)


def quoted_phrases(request: str) -> list[str]:
    """The request's quoted text, first mention first: not code names, paths or commands."""
    seen: dict[str, None] = {}
    for match in QUOTED.finditer(request):
        phrase = (match.group(1) or match.group(2) or "").strip()
        if len(phrase) < 3 or ELIDED.search(phrase) or is_script_run(phrase):
            continue
        if TEST_COMMAND.search(phrase):
            continue
        if re.fullmatch(r"[\w./-]+", phrase) or CODE_SNIPPET.search(phrase):
            continue  # `render_invoice`, `data/x.json`, `--dry-run`, `import os`
        seen.setdefault(phrase, None)
    return list(seen)[:MAX_PHRASES]


def quoted_sites(request: str, root: Path) -> list[str]:
    """The code files (not tests, not vendored) where the request's quoted phrases appear,
    in path order; [] when none do, or more than MAX_FILES do. One ripgrep run."""
    rg = shutil.which("rg")
    phrases = quoted_phrases(request)
    if rg is None or not phrases:
        return []
    argv = [rg, "--files-with-matches", "--fixed-strings", "--word-regexp", "--ignore-case",
            "--sort", "path", "--max-filesize", "1M", "--no-messages",
            *(arg for glob in VENDORED for arg in ("--glob", f"!{glob}")),
            *(arg for phrase in phrases for arg in ("-e", phrase))]  # fmt: skip
    try:
        done = subprocess.run(argv, cwd=root, capture_output=True, timeout=SEARCH_TIMEOUT_S,
                              stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return []
    found = [
        path.removeprefix("./")
        for path in done.stdout.decode("utf-8", "replace").splitlines()
        if language_for(path) and not TEST_FILE.search(path)
    ]
    return found if len(found) <= MAX_FILES else []
