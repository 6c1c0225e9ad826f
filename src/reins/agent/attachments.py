"""Files the request names, attached to it as they are now (profile `attach_files_kb`).

A small model told "write your solution in `leap.py`" spends its first step (and often
many more, in a loop) reading that file. Attaching the named files up front, the way a
person pastes them or aider's /add does, saves the step and gives the model the exact
text to edit. Only regular files inside the workspace are read (through its descriptors),
only text, and only up to a byte budget; the model is told what was left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reins.index.chunker import language_for
from reins.tools.context import ToolContext
from reins.tools.errors import ToolError

# `src/app.py`, tests/test_x.py, ./Makefile.am: a token with an extension or a slash.
PATH_TOKEN = re.compile(r"(?<![\w/.-])(?:\./)?([\w.-]+(?:/[\w.-]+)*\.[A-Za-z0-9]{1,8})(?![\w/-])")
# Code languages come from the index's table; these data formats only fence a file here.
DATA_FORMATS = {".toml": "toml", ".json": "json", ".md": "markdown", ".yaml": "yaml",
                ".yml": "yaml"}  # fmt: skip
HEADER = "\n\n# Files named above, as they are now (already read for you; do not read them again)"
TEST_FILE = re.compile(r"(^|/)(tests?/|test_[^/]*$|[^/]*_test\.[^/]+$|[^/]*\.test\.[^/]+$)")


def mentioned_paths(text: str) -> list[str]:
    """Path-like tokens of `text`, in order of first mention, without duplicates."""
    seen: dict[str, None] = {}
    for match in PATH_TOKEN.finditer(text):
        path = match.group(1).rstrip(".")
        if not path.startswith(("http", "www.")) and ".." not in path.split("/"):
            seen.setdefault(path, None)
    return list(seen)


def attach_files(
    request: str, ctx: ToolContext, budget_bytes: int, tests: bool = True
) -> tuple[str, dict[str, int]]:
    """`request` with the text files it names appended, at most `budget_bytes` in all, and
    the attached paths with their sizes; `tests=False` leaves test files out (said so)."""
    return attach_paths(request, mentioned_paths(request), ctx, budget_bytes, tests)


def attach_paths(
    text: str,
    paths: list[str],
    ctx: ToolContext,
    budget_bytes: int,
    tests: bool = True,
    header: str = HEADER,
) -> tuple[str, dict[str, int]]:
    """`text` with those of `paths` that are text files of the workspace appended under
    `header` (as attach_files does), and the attached paths with their sizes."""
    attached: dict[str, int] = {}
    sections: list[str] = []
    skipped: list[str] = []
    left_out: list[str] = []
    left = budget_bytes
    for path in paths:
        try:
            if not ctx.workspace.is_file(path):
                continue
            if not tests and TEST_FILE.search(path):
                left_out.append(path)
                continue
            got = ctx.workspace.read(path, limit=left + 1)
        except (OSError, ToolError):
            continue
        if got.size > left:
            skipped.append(path)
            continue
        try:
            content = got.data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if "\x00" in content:
            continue
        ctx.tracker.saw(got.path, got.data)  # edits check staleness against what was shown
        left -= got.size
        attached[path] = got.size
        fence = "````" if "```" in content else "```"
        sections.append(f"## {path}\n{fence}{language_of(path)}\n{content.rstrip()}\n{fence}")
    if not sections and not skipped and not left_out:
        return text, attached
    out = text + header + "\n\n" + "\n\n".join(sections)
    if skipped:
        out += f"\n\n(Not attached, too large: {', '.join(skipped)}; read what you need.)"
    if left_out:
        out += (f"\n\n(The tests, {', '.join(left_out)}, are not shown: write the code, and "
                "the test run shows what fails.)")  # fmt: skip
    return out, attached


def code_files(paths: Iterable[str]) -> list[str]:
    """The paths that are not test files."""
    return [p for p in paths if not TEST_FILE.search(p)]


def block_opener(path: str) -> str:
    """How a file block for `path` starts (the files call style)."""
    return f"{path}\n```{language_of(path)}\n"


def language_of(path: str) -> str:
    """The code fence's language tag for `path` ("" when unknown)."""
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return language_for(path) or DATA_FORMATS.get(suffix, "")
