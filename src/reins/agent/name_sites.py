"""Where the code names a request gives are defined and used (profile `locate_names`).

"Rename `area_rect` everywhere" or "Which file defines `parse_duration`?" names code, not
files. A person would grep; a small model lists a directory and guesses. So, for each name
in backticks that is defined in a workspace file the request did not attach whole, the
request gets one line saying where it is defined and used (ripgrep, word matches, no
.git), as aider's repository map shows where its symbols are. A name defined only in the
attached files adds nothing: those are already in front of the model.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Container
from pathlib import Path

from reins.agent.attachments import TEST_FILE

# `name`, `name()`, `Class.method`: the last part is what is searched for.
CODE_NAME = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:\(\))?`")
DEFINITION = (
    r"(?:\b(?:def|class|function|func|fn|struct|interface|type|enum|const|let|var)\s+{name}\b)"
    r"|(?:^\s*{name}\s*(?::[^=\n]*)?=(?!=))"
)
HEADER = "\n\n# Where the code names above are (ripgrep)"
MAX_NAMES = 4  # names looked up per request
MAX_FILES = 8  # files listed per name; more are counted
MAX_MATCHES = 200  # ripgrep lines read per name
SEARCH_TIMEOUT_S = 5.0


def code_names(request: str) -> list[str]:
    """The names in backticks, last dotted part, first mention first; file names and
    one-letter names are not code names."""
    seen: dict[str, None] = {}
    for match in CODE_NAME.finditer(request):
        whole = match.group(1)
        if re.search(r"\.(py|js|ts|json|md|txt|toml|ya?ml|sh|cfg|csv|log)$", whole):
            continue
        name = whole.rsplit(".", 1)[-1]
        if len(name) > 1:
            seen.setdefault(name, None)
    return list(seen)


def name_sites(request: str, root: Path, shown: Container[str]) -> tuple[str, set[str]]:
    """The section to append to `request` (empty when there is nothing to add): for each
    code name defined in a file of `root` not in `shown`, where it is defined and used;
    and the files the section names."""
    rg = shutil.which("rg")
    if rg is None:
        return "", set()
    lines: list[str] = []
    named: set[str] = set()
    for name in code_names(request)[:MAX_NAMES]:
        sites = word_sites(rg, root, name)
        pattern = re.compile(DEFINITION.format(name=re.escape(name)))
        defined = {path: [hit for hit in hits if pattern.search(hit[1])]
                   for path, hits in sites.items()}  # fmt: skip
        defined = {path: hits for path, hits in defined.items() if hits}
        # a test's own name is shown by its test file's excerpt; code is what is looked for
        if not any(p not in shown and not TEST_FILE.search(p) for p in defined):
            continue
        used = [path for path in sites if path not in defined]
        parts = [
            "defined in " + "; ".join(_where(p, defined[p]) for p in list(defined)[:MAX_FILES])
        ]
        if used:
            parts.append("used in " + "; ".join(_where(p, sites[p]) for p in used[:MAX_FILES]))
            if len(used) > MAX_FILES:
                parts[-1] += f" (and {len(used) - MAX_FILES} more files)"
        lines.append(f"- `{name}`: " + "; ".join(parts))
        named.update(list(defined)[:MAX_FILES], used[:MAX_FILES])
    return (HEADER + "\n" + "\n".join(lines) if lines else ""), named


def _where(path: str, hits: list[tuple[int, str]]) -> str:
    numbers = [str(n) for n, _ in hits[:6]] + (["…"] if len(hits) > 6 else [])
    return f"{path} line{'s' if len(hits) > 1 else ''} {', '.join(numbers)}"


def word_sites(rg: str, root: Path, name: str) -> dict[str, list[tuple[int, str]]]:
    """path -> [(line number, text)] of the word `name` in the workspace's files (ripgrep
    at `rg`, no .git; {} when it fails)."""
    argv = [rg, "--line-number", "--no-heading", "--color", "never", "--word-regexp",
            "--fixed-strings", "--sort", "path", "--glob", "!.git", "--max-filesize", "1M",
            "--max-columns", "300", "-e", name]  # fmt: skip
    try:
        done = subprocess.run(argv, cwd=root, capture_output=True, timeout=SEARCH_TIMEOUT_S,
                              stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return {}
    sites: dict[str, list[tuple[int, str]]] = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines()[:MAX_MATCHES]:
        path, _, rest = line.partition(":")
        number, _, text = rest.partition(":")
        if number.isdigit():
            sites.setdefault(path.removeprefix("./"), []).append((int(number), text))
    return sites
