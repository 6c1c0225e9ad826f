"""What a request is: a question (not a change), and the test command or script run it
names, which the coding hooks check the work against."""

from __future__ import annotations

import posixpath
import re
import shlex

# A request that names how to test: the model is expected to have run something.
TEST_COMMAND = re.compile(
    r"\b(pytest|python3? -m (?:pytest|unittest)|npm (?:run )?test|cargo test|go test|"
    r"make (?:test|check)|tox|nox|jest|mvn test|gradle test)\b"
)


# A question about code, not a request to change it: its first reply is not started as the
# named file's block ("What is X in config.py?" must not rewrite config.py).
QUESTION = re.compile(
    r"^\W*(?:(?:please|hey|ok|okay|so)\b,?\s+)?"  # "Please explain …" asks too
    r"(what|why|how|where|which|who|when|whose|does|do|is|are|can|could|should|would"
    r"|explain|describe|summari[sz]e|tell me|tell us|show me|look at|read|compare)\b",
    re.IGNORECASE,
)  # not "count" or "list": Exercism tasks begin "Count the rectangles …"
# "When the customer has a VAT ID, add a line …", "Where a key is missing, use 10": a
# condition and what to do, not a question ("When does it …", "Where is X set")
CONDITION = re.compile(
    r"^\W*(?:when|where|whenever|wherever)\s+(?=\S)(?!(?:is|are|was|were|does|do|did|should|can|"
    r"could|will|would|has|have|must|might)\b)[^,?]+,\s*\w",
    re.IGNORECASE,
)
FIRST_SENTENCE = re.compile(r"^.*?(?:[.?!](?=\s|$)|$)")  # of one line; "a.py" goes on


def is_question(request: str) -> bool:
    """The request's first sentence (past markdown headings) asks rather than tells."""
    prose = [ln for ln in request.strip().splitlines() if ln.strip() and not ln.startswith("#")]
    first = FIRST_SENTENCE.match(prose[0].strip()) if prose else None
    if not first:
        return False
    sentence = first.group()
    if sentence.endswith("?"):
        return True
    if CONDITION.match(sentence):  # what follows the condition says: "When done, show me …"
        return bool(QUESTION.match(sentence.split(",", 1)[1].strip()))
    return bool(QUESTION.match(sentence))


COMMAND_SPAN = re.compile(r"`([^`\n]+)`")
PROMPT_LINE = re.compile(
    r"^[ \t]*\$[ \t]+(\S[^\n]*?)[ \t]*$", re.MULTILINE
)  # a pasted shell session
SCRIPT_RUNNERS = {"bash", "sh", "python", "python3", "node", "ruby", "perl"}
SCRIPT = re.compile(r"(?:\./)?[\w./-]+\.(?:sh|py|js|rb|pl)")
# `mv <from> <to>`, `VAT ID: <their id>`, "…": a quoted shape, not the text itself
ELIDED = re.compile(r"<[^<>\n]{1,40}>|\.\.\.|…")
ANGLED = re.compile(r"<[A-Za-z][^<>\n]{0,38}>")  # `<path>`, `<their id>`; not `< in.txt >`
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]+$|[<>\[\]]|\.\.\.")  # FILE, <path>, [args], ...


def test_command(request: str) -> str | None:
    """The test command the request gives, in backticks (`python -m pytest -q`), on an
    indented code line or after a shell prompt in a pasted session (`$ npm test`), if any;
    else a script run it gives in backticks ("running `bash backup.sh` fails") or after a
    prompt (`$ python3 check_pins.py` above a traceback), which says as much about a fix
    as a test does."""
    quoted = COMMAND_SPAN.findall(request)
    indented = [ln.strip() for ln in request.splitlines() if ln.startswith("    ")]
    prompted = PROMPT_LINE.findall(request)  # "$ python3 check_pins.py" above its output
    tests = [span.strip() for span in [*quoted, *indented, *prompted] if TEST_COMMAND.search(span)]
    runs = [span.strip() for span in [*quoted, *prompted] if is_script_run(span)]
    return _failing_first(request, tests or runs)


def _failing_first(request: str, commands: list[str]) -> str | None:
    """The first of `commands` the request says fails, else the first: "they pass one at
    a time (e.g. `…test_one`), but `… test_cart` fails", or a run pasted with its
    traceback beside one whose output "must not change": the fix is checked against the
    one that fails."""
    if len(set(commands)) <= 1:
        return commands[0] if commands else None
    failing = _failing_commands(request)
    return next((c for c in commands if c in failing), commands[0])


def _failing_commands(request: str) -> set[str]:
    """Backticked commands in a clause that says they fail, and commands after a shell
    prompt whose pasted output (up to the next prompt or the block's end) has an error."""
    found = {
        m.group(1).strip() for m in COMMAND_SPAN.finditer(request) if _said_to_fail(request, m)
    }
    for prompt in PROMPT_LINE.finditer(request):
        rest = request[prompt.end() :]
        end = OUTPUT_END.search(rest)
        if PASTED_FAILURE.search(rest[: end.start() if end else len(rest)]):
            found.add(prompt.group(1).strip())
    return found


OUTPUT_END = re.compile(r"^[ \t]*(?:\$|```)", re.MULTILINE)
# a line of pasted output that reports a failure: a traceback, `KeyError: 'region'`,
# `cp: cannot stat 'a b': No such file or directory`
PASTED_FAILURE = re.compile(
    r"traceback|\w*(?:error|exception)\b|cannot|can't|could not|no such file|not found|"
    r"\bfailed\b|denied|undefined|fatal",
    re.IGNORECASE,
)
CLAUSE_BREAK = re.compile(r"[.;,:!?()\n]|\bbut\b|\band\b")
FAILS = re.compile(r"\b(?:fail(?:s|ed|ing)?|errors?|crash(?:es|ed)?|broken|breaks)\b", re.I)


def _said_to_fail(request: str, span: re.Match[str]) -> bool:
    """The clause around a backticked command says it fails."""
    before = CLAUSE_BREAK.split(request[: span.start()])[-1]
    after = CLAUSE_BREAK.split(request[span.end() :])[0]
    return FAILS.search(before + " " + after) is not None


def is_script_run(command: str) -> bool:
    """`bash x.sh`, `python3 app.py --fast`, `./run.sh`: a script of the workspace run with
    concrete arguments (not `python3 wc.py FILE` or `<path>`: a usage line, not a run)."""
    if ANGLED.search(command):  # `<path>`: the shell would read it as redirections
        return False
    words = _shell_words(command)
    cut = next((i for i, w in enumerate(words) if w in SHELL_OPERATORS), len(words))
    words = words[:cut]  # `> newsletter.txt`, `| sort`: the shell's words, not the script's
    if words and words[0] in SCRIPT_RUNNERS:
        words = words[1:]
    elif not words or not words[0].startswith("./"):  # `app.py` alone names a file
        return False
    if not words or not SCRIPT.fullmatch(words[0]):
        return False
    return not any(PLACEHOLDER.search(word) for word in words[1:])


def run_arguments(request: str) -> set[str]:
    """The words after the script in the script runs the request gives in backticks
    (`python3 cli.py export ./out.csv` -> export, out.csv), less those its prose names
    outside backticks too ("write a sample people.json"): files named only there are the
    run's input or output, not files for the model to write."""
    found: set[str] = set()
    for span in COMMAND_SPAN.findall(request):
        if is_script_run(span):
            words = [w for w in _shell_words(span) if w not in SHELL_OPERATORS]
            found.update(words[2:] if words[0] in SCRIPT_RUNNERS else words[1:])
    prose = COMMAND_SPAN.sub(" ", request)
    return {
        posixpath.normpath(w)
        for w in found
        if not re.search(rf"(?<![\w./-]){re.escape(w)}(?![\w/-])", prose)
    }


LONG_OPTION = re.compile(r"--[A-Za-z][\w-]*")  # --lines, --dry-run (of --tag=x: --tag)
SHELL_OPERATORS = {"|", "||", "&&", ";", "&", ">", ">>", "<", "2>", "|&"}
# an option the request takes away, or one every parser has: not one to look for
REMOVAL = re.compile(r"\b(remov|drop|delet|renam|deprecat|retir|no longer|get rid)", re.I)
BUILT_IN_OPTIONS = {"--help", "--version"}


def script_options(request: str) -> dict[str, set[str]]:
    """The long options the request's command lines give a workspace script, usage lines
    too: `python3 wc.py --lines FILE` -> {"wc.py": {"--lines"}}. Only the script's own
    words count (a pipe or `&&` ends them), and not an option the request's sentence
    takes away ("remove the `--legacy` flag"), nor --help or --version."""
    lines = COMMAND_SPAN.findall(request)
    lines += [ln.strip() for ln in request.splitlines() if ln.startswith("    ")]
    sentences = re.split(r"(?<=[.!?])\s+|\n", request)
    found: dict[str, set[str]] = {}
    for words in (cmd for line in lines for cmd in _commands(_shell_words(line))):
        if words and words[0] in SCRIPT_RUNNERS:
            words = words[1:]
        elif not words or not words[0].startswith("./"):
            continue
        if not words or not SCRIPT.fullmatch(words[0]):
            continue
        script = posixpath.normpath(words[0])
        for word in words[1:]:
            if word == "--" or word.startswith((">", "<", "2>")):  # the script's words end
                break
            option = LONG_OPTION.match(word)
            if option is None or option.group() in BUILT_IN_OPTIONS:
                continue
            taken_away = any(option.group() in s and REMOVAL.search(s) for s in sentences)
            if not taken_away:
                found.setdefault(script, set()).add(option.group())
    return found


def _commands(words: list[str]) -> list[list[str]]:
    """A command line's commands: `a | b && c` -> a, b, c."""
    commands: list[list[str]] = [[]]
    for word in words:
        if word in SHELL_OPERATORS - {">", ">>", "<", "2>"}:
            commands.append([])
        else:
            commands[-1].append(word)
    return [command for command in commands if command]


def _shell_words(line: str) -> list[str]:
    """A command line's words, shell operators (`|`, `&&`, `>`) as words of their own."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return []
