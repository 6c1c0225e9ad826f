"""Is a shell command line clearly read-only? A conservative allow-list, so that
run_command("ls") or `git diff | head` can run beside other reads.

Anything this module does not understand is treated as a command that may change anything:
a false "no" only costs parallelism, a false "yes" would let a write race a read. So the
line may hold only simple commands from the list below joined by single pipes; any
redirection, list or substitution syntax (> < ; & && || $( ` ( ) { } \\ newline) anywhere,
even inside quotes, makes it "not read-only".
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

FORBIDDEN_CHARS = frozenset(">;&`$()<{}\\\n\r")


def _any_args(args: list[str]) -> bool:
    return True


def _rg_args(args: list[str]) -> bool:
    # --pre runs a program on every file searched; --hostname-bin runs one too.
    return not any(a.startswith(("--pre", "--hostname-bin")) and a != "--pretty" for a in args)


GIT_READS = frozenset({"status", "diff", "log", "show"})


def _git_args(args: list[str]) -> bool:
    # `git -c key=value …` could configure a program to run; the subcommand must come first.
    if not args or args[0] not in GIT_READS:
        return False
    return not any(a.startswith(("--output", "--ext-diff")) for a in args[1:])


COMMANDS: dict[str, Callable[[list[str]], bool]] = {
    "ls": _any_args,
    "cat": _any_args,
    "head": _any_args,
    "tail": _any_args,
    "wc": _any_args,
    "pwd": _any_args,
    "grep": _any_args,
    "egrep": _any_args,
    "fgrep": _any_args,
    "rg": _rg_args,
    "git": _git_args,
}


MAX_CHECKED_CHARS = 4096


def is_read_only(command: str) -> bool:
    """True only for a pipeline of known read-only commands with nothing that writes."""
    if len(command) > MAX_CHECKED_CHARS:  # shlex is slow on huge input; a long line is no `ls`
        return False
    if not command.strip() or any(c in FORBIDDEN_CHARS for c in command):
        return False
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars="|")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:  # an unclosed quote
        return False
    segments: list[list[str]] = [[]]
    for token in tokens:
        if token == "|":
            segments.append([])
        elif set(token) == {"|"}:  # ||, |||: not a plain pipe
            return False
        else:
            segments[-1].append(token)
    for words in segments:
        if not words:
            return False
        check = COMMANDS.get(words[0])
        if check is None or not check(words[1:]):
            return False
    return True
