"""What the request says a command must print, and whether a run printed it.

"For example, `python3 ext_report.py sample` should print exactly:" and a block, or "Fix
it so that it prints `Total: 42`": the request states the output, so exit code 0 is not
yet success. Seen from the embedded model: a new script printed its columns with spaces
where the request's example had tabs, and `(none)` as a blank; the run exited 0, and the
turn ended with the script wrong. "so `python3 app.py` prints exactly what it prints now",
"without changing what it prints": the output before the change is the one to keep.
WriteFirst compares the run's output with that and, where it differs, shows both as a
failure to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reins.agent.request_shape import COMMAND_SPAN, ELIDED, PASTED_FAILURE, is_script_run

# "should print exactly:", "prints", "outputs the following:", then a backticked literal or
# a fenced block. Not "return"/"give": those are a function's values, not a run's output.
STATED = re.compile(
    r"\b(?:print|prints|printing|output|outputs|display|displays|show|shows|produce|produces)"
    r"(?:\s+(?:exactly|only|just))?(?:\s+(?:this|the following))?\s*:?[ \t]*"
    r"(?:`(?P<inline>[^`\n]+)`|\n[ \t]*\n?[ \t]*```[^\n`]*\n(?P<block>.*?)\n[ \t]*```)",
    re.IGNORECASE | re.DOTALL,
)
# "prints exactly what it prints now", "must print the same invoice as before", "without
# changing what it prints", "the output must not change"
UNCHANGED = re.compile(
    r"\b(?:print|prints|output|outputs)\b[^.\n`]{0,40}?\b(?:as before|as it does now|as now|"
    r"unchanged|what it (?:prints|printed|outputs) (?:now|today|before|currently))\b"
    r"|\bwithout changing (?:what it prints|its output|the output)\b"
    r"|\b(?:the|its) output (?:must|should) (?:not change|stay the same)\b",
    re.IGNORECASE,
)
# What the output must be, not what it is now ("prints `None` instead of the total") or
# must not be ("should not print `DEBUG`"): the verb comes right after a modal or purpose
MODAL = re.compile(
    r"\b(?:should|must|needs? to|has to|have to|to|will|so(?: that)?(?: it)?)\s+"
    r"(?:(?:now|still|also|only|just|then)\s+)?$",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")
SHOWN_LINES = 12  # of each side, in the failure shown to the model


@dataclass(frozen=True)
class Expected:
    text: str
    # "block": a fenced block, its lines in a row in the output; "inline": a literal within
    # it; "before": the output before the change, all of it
    kind: str


def stated_output(request: str, command: str) -> Expected | None:
    """What the request says `command` prints, if it says so in the sentence that gives the
    command (or, with "it", the request's only script run is `command`)."""
    for match in STATED.finditer(request):
        block = match.group("block") is not None
        text = match.group("block") if block else match.group("inline")
        if not text.strip() or ELIDED.search(text) or not MODAL.search(request[: match.start()]):
            continue
        if not block and re.fullmatch(r"[\w./-]+\.\w{1,8}", text.strip()):
            continue  # `dist/index.html`: a file the run makes, not what it prints
        if _said_of(request, match.start()) == _norm(command):
            return Expected(text, "block" if block else "inline")
    return None


def keeps_output(request: str, command: str) -> bool:
    """The request says `command` must go on printing what it prints now."""
    return any(
        _said_of(request, match.start()) == _norm(command) for match in UNCHANGED.finditer(request)
    )


def _said_of(request: str, at: int) -> str | None:
    """The script run a statement at `at` is about: the last one its sentence gives before
    it, else ("it") the request's only one."""
    start = max((m.end() for m in SENTENCE_END.finditer(request, 0, at)), default=0)
    spans = [s for s in COMMAND_SPAN.findall(request[start:at]) if is_script_run(s)]
    if spans:
        return _norm(spans[-1])
    runs = {_norm(span) for span in COMMAND_SPAN.findall(request) if is_script_run(span)}
    return next(iter(runs)) if len(runs) == 1 else None


def output_mismatch(expected: Expected, output: str) -> str | None:
    """None when `output` has what is expected; else what to tell the model."""
    got = _lines(output)
    want = _lines(expected.text)
    if expected.kind == "before":
        if got == want:
            return None
    elif expected.kind == "block":
        n = len(want)
        if any(got[i : i + n] == want for i in range(len(got) - n + 1)):
            return None
    elif expected.text.strip() in output:
        return None
    should = "what it printed before your change" if expected.kind == "before" else ""
    text = f"It should print {should}:\n".replace(" :", ":") + _shown(want or ["(nothing)"])
    text += "\nIt printed:\n" + _shown(got or ["(nothing)"])
    if first := _first_difference(want, got):
        text += "\n" + first
    return text


def _first_difference(want: list[str], got: list[str]) -> str:
    """The first line that differs, spelt out (a tab and spaces look alike in a block)."""
    for i, line in enumerate(want):
        other = got[i] if i < len(got) else None
        if other != line:
            said = "is missing" if other is None else f"is {other!r}"
            return f"First difference: line {i + 1} should be {line!r}; it {said}."
    return ""


def _shown(lines: list[str]) -> str:
    more = len(lines) - SHOWN_LINES
    body = "\n".join(lines[:SHOWN_LINES]) + (f"\n… {more} more lines" if more > 0 else "")
    return f"```\n{body}\n```"


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _norm(command: str) -> str:
    return " ".join(command.split())


FENCED = re.compile(r"^[ \t]*```[^\n`]*\n(.*?)\n[ \t]*```", re.DOTALL | re.MULTILINE)
# a block of code the request shows (Exercism's `raise ValueError("…")`), not output
CODE_LINE = re.compile(r"^\s*(?:raise|def|class|import|from|return|#|//|\$|>>>)\s")


def still_reported(request: str, output: str) -> list[str]:
    """The error lines the request pastes (in a fenced block of output) that `output`
    prints again: a run that exits 0 and still prints them has not fixed the problem
    (seen: a bash script that copies files printed `cp: cannot stat …` and exited 0)."""
    printed = {line.strip() for line in output.splitlines()}
    wanted = {  # "should print exactly:" and a block: the output to get, errors and all
        match.group("block").strip()
        for match in STATED.finditer(request)
        if match.group("block") is not None and MODAL.search(request[: match.start()])
    }
    found: list[str] = []
    for block in FENCED.finditer(request):
        lines = block.group(1).splitlines()
        if block.group(1).strip() in wanted or any(CODE_LINE.match(line) for line in lines):
            continue
        for line in lines:
            text = line.strip()
            if len(text) >= 8 and PASTED_FAILURE.search(text) and text in printed:
                found.append(text)
    return list(dict.fromkeys(found))
