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
from pathlib import Path

from reins.agent.attachments import TEST_FILE
from reins.agent.name_sites import word_sites
from reins.agent.request_shape import ELIDED, TEST_COMMAND, is_script_run
from reins.index.chunker import language_for

QUOTED = re.compile(r"`([^`\n]{3,80})`|\"([^\"\n]{3,80})\"")
MAX_PHRASES = 6  # looked up per request
MAX_FILES = 2  # more files than this: the phrase says too little about where to look
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
        if re.fullmatch(r"[\w./-]+", phrase):  # `render_invoice`, `data/x.json`, `--dry-run`
            continue
        seen.setdefault(phrase, None)
    return list(seen)[:MAX_PHRASES]


def quoted_sites(request: str, root: Path) -> list[str]:
    """The code files (not tests) where the request's quoted phrases appear, in the order
    the phrases come; [] when none do, or more than MAX_FILES do."""
    rg = shutil.which("rg")
    if rg is None:
        return []
    found: dict[str, None] = {}
    for phrase in quoted_phrases(request):
        for path in word_sites(rg, root, phrase, ignore_case=True):
            if language_for(path) and not TEST_FILE.search(path):
                found.setdefault(path, None)
    return list(found) if len(found) <= MAX_FILES else []
