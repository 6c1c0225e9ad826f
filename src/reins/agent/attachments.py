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

from reins.agent.excerpts import PATH, Focus, describe, node_ids, render, spans
from reins.agent.protocols.fences import BARE_NAMES, fence_for
from reins.index.chunker import language_for
from reins.tools.context import ToolContext
from reins.tools.errors import ToolError
from reins.tools.workspace import FileRead

# `src/app.py`, tests/test_x.py, ./Makefile.am: a token with an extension or a slash.
PATH_TOKEN = re.compile(rf"(?<![\w/.-])(?:\./)?({PATH})(?![\w/-])")
# Code languages come from the index's table; these data formats only fence a file here.
DATA_FORMATS = {".toml": "toml", ".json": "json", ".md": "markdown", ".yaml": "yaml",
                ".yml": "yaml"}  # fmt: skip
HEADER = "\n\n# Files named above, as they are now (already read for you; do not read them again)"
EXCERPT_OVER = 4096  # a file named by node ids is cut to those tests above this size
MAX_EXCERPTED_BYTES = 4 * 1024 * 1024  # larger files are not parsed for an excerpt
# Besides code and DATA_FORMATS: what a request may name as a file to make ("write the
# count to count.txt"). Tokens like "e.g", "self.name" or "3.6" have none of these.
OUTPUT_FORMATS = {".txt", ".csv", ".tsv", ".log", ".cfg", ".ini", ".env", ".xml", ".html",
                  ".css", ".sql"}  # fmt: skip
# tests/, __tests__/, test_x.py, x_test.go, x.test.js, x.spec.ts, x_spec.rb, and a bare
# test.js or tests.py (seen: a Node project's test.js taken for the code to fix)
TEST_FILE = re.compile(
    r"(^|/)(tests?/|__tests__/|test_[^/]*$|[^/]*[_.](test|spec)\.[^/]+$|tests?\.[^/.]+$)"
)
BARE_TEST = re.compile(r"(^|/)tests?\.[^/.]+$")


BARE_TOKEN = re.compile(
    rf"(?<![\w/.-])(?:\./)?((?:[\w.-]+/)*(?:{'|'.join(BARE_NAMES)}))(?![\w/-]|\.\w)"
)


def mentioned_paths(text: str) -> list[str]:
    """Path-like tokens of `text`, in order of first mention, without duplicates."""
    found = [(m.start(), m.group(1).rstrip(".")) for m in PATH_TOKEN.finditer(text)]
    found += [(m.start(), m.group(1)) for m in BARE_TOKEN.finditer(text)]
    seen: dict[str, None] = {}
    for _, path in sorted(found):
        if not path.startswith(("http", "www.")) and ".." not in path.split("/"):
            seen.setdefault(path, None)
    return list(seen)


# "Don't change `textutil.py`", "without modifying src/app.py or app.cfg", "don't touch
# a.py, b.py and c.py", "leave ./README.md as it is", "leave the rest of the README and
# `thumbs.py` as they are". A list goes on after a comma only when it ends in and/or/nor
# ("Don't touch setup.py, main.py is where the bug is" keeps setup.py only).
_KEEP_VERB = r"(?:chang|modify|modifi|edit|touch|rewrit|overwrit)(?:e|es|ed|ing|y)?"
_ITEM = rf"(?:the\s+)?`?{PATH}`?"
_LIST = rf"{_ITEM}(?:(?:\s*,\s*{_ITEM})*,?\s+(?:and|or|nor)\s+{_ITEM})?"
KEPT = re.compile(
    rf"(?:\b(?:don'?t|do not|never|without|must not|should not|shouldn'?t)\s+{_KEEP_VERB}"
    rf"\s+(?P<a>{_LIST}))"
    rf"|(?:\bleave\s+(?=\S)(?P<b>(?:[^.;:\n]|\.(?=[\w/]))(?:[^.;:\n]|\.(?=[\w/])){{0,99}}?)"
    r"\s+(?:as (?:it|they) (?:is|are)|unchanged|alone|untouched|as is)\b)",
    re.IGNORECASE,
)
LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|nor)\s+", re.IGNORECASE)
BARE_ITEM = re.compile(rf"(?:the\s+)?`?(?:\./)?({PATH})`?", re.IGNORECASE)


def kept_files(text: str) -> set[str]:
    """The files `text` says not to change: never the file to write. After "leave", only
    items that are a path and nothing more count ("leave the rest of README.md and
    `thumbs.py` as they are" keeps thumbs.py; "leave the other functions in parser.py
    unchanged" keeps nothing: part of parser.py is to change)."""
    kept: set[str] = set()
    for match in KEPT.finditer(text):
        span = match.group("a") or match.group("b")
        for item in LIST_SEPARATOR.split(span):
            if bare := BARE_ITEM.fullmatch(item.strip()):
                kept.add(bare.group(1).rstrip("."))
    return kept


# "Don't touch the tests", "without changing any of the tests", "the tests are right",
# "you don't have to modify the testing logic or any of the tests" (SWE-bench's wording),
# "the bug is in the library code, not in the tests" (a `mutate` task's), "fix it in the
# code, not in the tests". Not "they are
# restored before grading, so changing them does not help": that is what happens to
# changes, not a rule against making them.
_TESTS = r"(?:the\s+|any\s+(?:of\s+the\s+)?|its\s+|their\s+|my\s+|our\s+)?(?:unit\s+)?tests?\b"
KEPT_TESTS = re.compile(
    rf"\b(?:don'?t|do not|never|without|must not|should not|shouldn'?t|no need to)\s+"
    rf"(?:(?:have|need)\s+to\s+)?{_KEEP_VERB}\s+(?:the\s+testing\s+logic\s+or\s+)?{_TESTS}"
    r"|\btests?\s+(?:are|is)\s+(?:right|correct|fine)\b"
    r"|\b(?:bug|fault|problem|mistake|error|fix)\s+(?:(?:it|this|that|them)\s+)?"
    r"(?:(?:is|lies|belongs)\s+)?in\s+"
    r"(?:[^.;:\n]|\.(?=\w)){1,60}?\bnot\s+in\s+(?:the\s+|its\s+)?tests?\b",
    re.IGNORECASE,
)


def keeps_tests(text: str) -> bool:
    """`text` says the tests are not to be changed."""
    return KEPT_TESTS.search(text) is not None


# A clause that asks for a test file to be written: a verb, then "tests" or "new file",
# then the path ("Write some in a new file `test_x.py`", "put the tests in test_x.py"),
# not one that points at tests the agent cannot see ("see the test cases in
# `dot_dsl_test.py`", "write `calc.py`; the tests in calc_test.py check it")
WRITE_TESTS = re.compile(
    r"\b(?:write|add|create|put)\b.*?(?<![\w/.-])(?:new file|tests?)(?![\w/.-])(?P<rest>.*)",
    re.I,
)
CLAUSE_END = re.compile(r"(?<=[.!?;])\s+")


def _tests_asked_for(prose: str) -> set[str]:
    asked: set[str] = set()
    for clause in CLAUSE_END.split(prose):
        match = WRITE_TESTS.search(clause)
        if match:
            asked.update(p for p in mentioned_paths(match.group("rest")) if TEST_FILE.search(p))
    return asked


# A backticked line of output, not a command or a path: "prints one line `would run: mv
# <from> <to>` (e.g. `would run: mv logs/app.log logs/app.log.1`)". Its first word is
# neither a program nor a path, and it has a colon or several words.
EXAMPLE_LINE = re.compile(
    r"`(?![\s$./~]|(?:bash|sh|zsh|python3?|node|npm|npx|make|cat|cp|mv|rm|echo|ls|touch|mkdir"
    r"|git|sed|awk|grep|sort|head|tail|curl|docker|pip|uv|cargo|go|ruby|perl|java|gcc|cc"
    r"|sqlite3|psql|deno|bun|yarn|pnpm|tsc|jq)\b)[A-Za-z][\w-]*:?\s[^`\n]*\s[^`\n]*`"
)


def new_files(text: str, ctx: ToolContext) -> list[str]:
    """The files `text` names that are not in the workspace yet: what the request asks
    to create (its outputs). Test files only where a sentence asks for them to be
    written. Words that are links are skipped, and so are paths named only in an example
    of what a program prints (`would run: mv logs/app.log logs/app.log.1`)."""
    text = EXAMPLE_LINE.sub(" ", text)
    words = (
        w for w in text.split() if "://" not in w and "%" not in w and not w.startswith("www.")
    )
    prose = " ".join(words)
    asked = _tests_asked_for(prose)
    found: list[str] = []
    for path in mentioned_paths(prose):
        suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
        known = language_for(path) or suffix in DATA_FORMATS or suffix in OUTPUT_FORMATS
        if not known or (
            TEST_FILE.search(path) and path not in asked and not BARE_TEST.search(path)
        ):
            continue  # a test it points at is hidden; "write a quick test.py" asks for one
        try:
            if not ctx.workspace.exists(path):
                found.append(path)
        except (OSError, ToolError):  # outside the workspace: not ours to make
            continue
    return found


def attach_files(
    request: str, ctx: ToolContext, budget_bytes: int, tests: bool = True,
    cut: set[str] | None = None,
) -> tuple[str, dict[str, int]]:  # fmt: skip
    """`request` with the text files it names appended, at most `budget_bytes` in all, and
    the attached paths with their sizes; `tests=False` leaves test files out (said so)."""
    paths = mentioned_paths(request)
    paths += [local_path(m.group(1), ctx) for m in ABSOLUTE_PATH.finditer(request)]
    return attach_paths(
        request, list(dict.fromkeys(paths)), ctx, budget_bytes, tests, focus=node_ids(request),
        cut=cut,
    )  # fmt: skip


# /home/dev/tools/reqparse.py in a traceback pasted from another machine
ABSOLUTE_PATH = re.compile(
    r"(?<![\w/.-])(/[\w.-]+(?:/[\w.-]+)*\.[A-Za-z0-9]{1,8})(?=\", line \d|:\d)"
)  # as a traceback frame names it: `File "/x/y.py", line 3`, `/x/y.js:12:5`


THIRD_PARTY = re.compile(
    r"^/usr/(?:lib|lib64|local/lib|include|share)/|/(?:site|dist)-packages/|/lib/python[\d.]*/"
    r"|/node_modules/|/\.cargo/|/\.rustup/|/rustc/|/go/pkg/mod/|/\.npm/"
)  # a frame in a library or toolchain, not in the project


def local_path(path: str, ctx: ToolContext) -> str:
    """The workspace file an absolute path from another machine names (a traceback pasted
    from /home/dev/tools/ names /home/dev/tools/reqparse.py for reqparse.py): its longest
    ending that is a workspace file; else `path` as it is."""
    if not path.startswith("/") or THIRD_PARTY.search(path):
        return path
    parts = path.strip("/").split("/")
    for start in range(len(parts)):
        ending = "/".join(parts[start:])
        try:
            if ctx.workspace.is_file(ending):
                return ending
        except (OSError, ToolError):
            continue
    return path


def attach_paths(
    text: str,
    paths: list[str],
    ctx: ToolContext,
    budget_bytes: int,
    tests: bool = True,
    header: str = HEADER,
    focus: dict[str, Focus] | None = None,
    cut: set[str] | None = None,
) -> tuple[str, dict[str, int]]:
    """`text` with those of `paths` that are text files of the workspace appended under
    `header` (as attach_files does), and the attached paths with the bytes shown of each.
    A file in `focus` that is too large for what is left (or, `prefer`red, over
    EXCERPT_OVER) is attached as the parts the focus points at (agent/excerpts.py), and
    added to `cut`."""
    focus = focus or {}
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
            where = focus.get(path)
            # A file the focus points at is read once, up to what an excerpt may parse.
            limit = left + 1 if where is None else max(left + 1, MAX_EXCERPTED_BYTES + 1)
            got = ctx.workspace.read(path, limit=limit)
        except (OSError, ToolError):
            continue
        if where is not None and (got.size > left or (where.prefer and got.size > EXCERPT_OVER)):
            section = _excerpt(path, where, ctx, got, left)
            if section is not None:
                left -= len(section[1].encode())
                attached[path] = len(section[1].encode())
                sections.append(section[1])
                if cut is not None:
                    cut.add(path)
                continue
        if got.size > left:
            skipped.append(path)
            continue
        content = _text(got.data)
        if content is None:
            continue
        ctx.tracker.saw(got.path, got.data)  # edits check staleness against what was shown
        left -= got.size
        attached[path] = got.size
        sections.append(_section(path, content))
    if not sections and not skipped and not left_out:
        return text, attached
    out = text + header + "\n\n" + "\n\n".join(sections)
    if skipped:
        out += f"\n\n(Not attached, too large: {', '.join(skipped)}; read what you need.)"
    if left_out:
        out += (f"\n\n(The tests, {', '.join(left_out)}, are not shown: write the code, and "
                "the test run shows what fails.)")  # fmt: skip
    return out, attached


def _excerpt(
    path: str, where: Focus, ctx: ToolContext, got: FileRead, left: int
) -> tuple[str, str] | None:
    """(path, the section showing the parts of `path` (read as `got`) that `where` points
    at), or None when there are none or they do not fit in `left` bytes."""
    source = _text(got.data)
    if source is None or got.size > MAX_EXCERPTED_BYTES:
        return None
    ranges = spans(source, where, path)
    if not ranges:
        return None
    ctx.tracker.saw(got.path, got.data)
    title = f"{path} ({describe(ranges, len(source.splitlines()))}; the rest is not shown)"
    section = _section(title, render(source, ranges), language_of(path))
    return (path, section) if len(section.encode()) <= left else None


def _text(data: bytes) -> str | None:
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in content else content


def _section(title: str, content: str, language: str | None = None) -> str:
    fence = fence_for(content)
    language = language_of(title) if language is None else language
    return f"## {title}\n{fence}{language}\n{content.rstrip()}\n{fence}"


def code_files(paths: Iterable[str]) -> list[str]:
    """The paths that are not test files."""
    return [p for p in paths if not TEST_FILE.search(p)]


def block_opener(path: str, content: str = "") -> str:
    """How a file block for `path` starts (the files call style); a longer fence when its
    `content` has fence lines of its own (a README's examples), so they stay inside."""
    return f"{path}\n{fence_for(content)}{language_of(path)}\n"


def language_of(path: str) -> str:
    """The code fence's language tag for `path` ("" when unknown)."""
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return language_for(path) or DATA_FORMATS.get(suffix, "")
