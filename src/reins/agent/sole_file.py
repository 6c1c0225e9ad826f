"""The project's one code file, attached to a request that names no file (profile
`attach_sole_file`).

"Rename the `--out` option of the contacts export to `--output`" names no file, and the
workspace held one script beside its data. The embedded model, given nothing, edited
contacts.json (the data) with invented text until the doom-loop guard ended the run. A
person would open the only script there is. So a change request that attaches no code
file, names no code file to make and gives no test command (run first, its failure points
at the code), in a workspace whose code outside tests is one file, gets
that file attached as if the request had named it.
"""

from __future__ import annotations

import os
from pathlib import Path

from reins.agent.attachments import TEST_FILE
from reins.agent.quoted_sites import VENDORED
from reins.index.chunker import language_for

MAX_SCANNED = 400  # files looked at; a larger tree is no small script's workspace
HEADER = (
    "\n\n# The project's only code file, as it is now (already read for you; do not read it again)"
)


def sole_code_file(root: Path) -> str | None:
    """The workspace's one code file outside tests and vendored folders, as a relative
    path; None when there are none, several, or too many files to look through."""
    found: str | None = None
    scanned = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in VENDORED and not d.startswith("."))
        for name in sorted(files):
            scanned += 1
            if scanned > MAX_SCANNED:
                return None
            path = Path(folder, name).relative_to(root).as_posix()
            if not language_for(path) or TEST_FILE.search(path):
                continue
            if found is not None:
                return None
            found = path
    return found
