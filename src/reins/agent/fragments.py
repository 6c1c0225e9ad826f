"""A file block that holds only some functions of a large Python file replaces those
functions, not the file (profile `partial_writes`).

Shown the one function a traceback ends in (agent/excerpts.py), a small model writes the
fixed function back as a file block: the files call style's way to change code. As a
whole-file write that would delete the other 4,900 lines of the file. What it means is
"this function, fixed", so reins puts each definition of the block in the place of the
one of the same name and keeps the rest. A block that is not such a fragment but would
still delete most of a large file (seen: a 1,211-line test file overwritten with one
test, after which "the tests pass") is refused with what to do instead.
"""

from __future__ import annotations

import ast
import textwrap

from reins.agent.excerpts import DEFS, first_line, parse_python
from reins.agent.hooks import Hook, StepPlan, Turn, answered
from reins.models.messages import ToolCall
from reins.tools.errors import ErrorKind, ToolError

MIN_LINES = 60  # smaller files are rewritten whole, as written
FRAGMENT_SHARE = 0.5  # a block this much shorter than the file may be a fragment
DESTRUCTIVE_SHARE = 0.2  # a write keeping less than this share of a large file is refused
# a write keeping under that share of a file this long is refused too: seen in every
# logged case (a 26-line script overwritten with `echo "exit code: 0"`, a module with
# the command that runs it, a JSON file with Python), never in a trial that passed
GUT_MIN_LINES = 10


def merged(old: str, block: str) -> tuple[str, list[str]] | None:
    """`old` with each definition of `block` in the place of the one definition of the
    same name in `old` (at any depth, re-indented), and the names; None when `block` is
    not only definitions, or a name is not found exactly once."""
    old_tree, new_tree = parse_python(old), parse_python(block)
    if old_tree is None or new_tree is None:
        return None
    body = [node for node in new_tree.body if not _elision(node)]
    if not body or not all(isinstance(node, DEFS) for node in body):
        return None
    old_lines, new_lines = old.splitlines(keepends=True), block.splitlines(keepends=True)
    replacements: list[tuple[int, int, str]] = []
    for node in body:
        same = [n for n in ast.walk(old_tree) if isinstance(n, DEFS) and n.name == node.name]
        if len(same) != 1:
            return None
        target = same[0]
        text = textwrap.dedent("".join(new_lines[first_line(node) - 1 : node.end_lineno]))
        text = textwrap.indent(text, " " * target.col_offset)
        if not text.endswith("\n"):
            text += "\n"
        replacements.append((first_line(target), target.end_lineno or target.lineno, text))
    replacements.sort()
    if any(a[1] >= b[0] for a, b in zip(replacements, replacements[1:], strict=False)):
        return None  # one definition inside another: ambiguous
    for start, end, text in reversed(replacements):
        old_lines[start - 1 : end] = [text]
    return "".join(old_lines), [node.name for node in body]  # type: ignore[attr-defined]


def _elision(node: ast.stmt) -> bool:
    """A bare `...` line: an excerpt's "lines left out" copied into the block."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and node.value.value is Ellipsis
    )


def line_count(text: str) -> int:
    return len(text.splitlines())


class PartialWrites(Hook):
    """Turns a fragment's write into a merge (with `merge`), and refuses a write that guts
    a file of GUT_MIN_LINES or more (seen without merging: a 290-line module overwritten
    with "...")."""

    def __init__(self, merge: bool = True):
        self.merge = merge

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        kept: list[ToolCall] = []
        for call in plan.run:
            outcome = self._check(turn, plan, call)
            if isinstance(outcome, str):
                plan.answered.append(answered(call, ErrorKind.INVALID_ARGUMENTS, outcome))
                continue
            kept.append(outcome)
        plan.run = kept

    def _check(self, turn: Turn, plan: StepPlan, call: ToolCall) -> ToolCall | str:
        """The call to run (the merge in place of a fragment) or the refusal."""
        path, content = call.arguments.get("path"), call.arguments.get("content")
        if call.name != "write_file" or not isinstance(path, str) or not isinstance(content, str):
            return call
        old = _current(turn, path)
        if old is None or line_count(old) < GUT_MIN_LINES:
            return call
        total, new = line_count(old), line_count(content)
        large = total >= MIN_LINES
        if large and self.merge and path.endswith(".py") and new <= FRAGMENT_SHARE * total:
            done = merged(old, content)
            if done is not None:
                text, names = done
                said = ", ".join(names)
                turn.notice(f"a block of {path} holding {said}: merged into the file")
                plan.note += (
                    f"\n[reins: your block of {path} held only {said}: it replaced "
                    "the definition(s) of that name and kept the rest of the file.]"
                )
                return ToolCall(call.name, {**call.arguments, "content": text}, id=call.id)
        if new < DESTRUCTIVE_SHARE * total:
            if not large:  # whole-file writes are how a small file is changed
                return (
                    f"refused: this would replace all {total} lines of {path} with {new}. "
                    f"Write the whole of {path}: every line that stays, with your change "
                    f"(or change part of it with edit_file). If {path} must hold only "
                    f"this, delete it first (`rm {path}`)."
                )
            how = (
                "write a block with only the functions or classes you change (each "
                "replaces the one of the same name), or use edit_file"
                if self.merge
                else "use edit_file with the exact lines to replace"
            )
            return (
                f"refused: this would replace all {total:,} lines of {path} with {new}. "
                f"To change part of a large file, {how}."
            )
        return call


def _current(turn: Turn, path: str) -> str | None:
    try:
        got = turn.session.executor.ctx.workspace.read(path, limit=8 * 1024 * 1024)
        return got.data.decode("utf-8")
    except (OSError, ToolError, UnicodeDecodeError):
        return None
