"""Self-check (profile `self_check`): when a request names no test command, the model
writes a few `assert` lines from the examples the task gives, reins runs each one apart
and shows which fail with the actual and expected values, and a failing check asks for
the file again (write_first.WriteFirst drives the rounds). This module runs a check file.

The runner is plain Python with the standard library only, passed with `-c`, so it works
in the sandbox with whatever interpreter the workspace has. It executes the check file's
statements one at a time: imports and definitions set up, each top-level `assert` is one
example (`assert f(x) == y` reports what `f(x)` gave), and one failing example does not
hide the others.
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reins.tools.context import ToolContext

CHECK_TIMEOUT_S = 20.0  # examples are small: a check that runs longer loops forever
CHECK_TOKENS = 256  # the check reply's cap: left alone, a small model invents examples
# until its output cap (seen: 1,024 tokens, two minutes of a three-minute budget)

RUNNER = r"""
import ast, os, sys
path = sys.argv[1]
sys.path[:0] = [os.path.dirname(os.path.abspath(path)), "."]  # the module beside it
lines = open(path, encoding="utf-8").read().splitlines()
dropped = 0
while True:  # a line that does not parse (bad quoting; a reply cut at its token cap) is
    src = "\n".join(lines)  # left out, so the examples around it still run
    try:
        tree = ast.parse(src)
        break
    except SyntaxError as e:
        at = min(max((e.lineno or len(lines)) - 1, 0), len(lines) - 1)
        if not lines or dropped >= 20:
            print(f"SETUP {path} does not parse: line {e.lineno}: {e.msg}")
            sys.exit(3)
        print(f"SKIP line {at + 1 + dropped}: {lines[at][:120]}  -> it does not parse")
        del lines[at]
        dropped += 1
counts = [0, 0]  # passed, failed
def run(node, mode, scope):
    code = compile(ast.Expression(node) if mode == "eval" else ast.Module([node], []), path, mode)
    return eval(code, scope) if mode == "eval" else exec(code, scope)
def show(value):
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "..."
def report(ok, text, detail):
    counts[0 if ok else 1] += 1
    print(("PASS " if ok else "FAIL ") + text + ("" if ok else "  -> " + detail))
def example(test, scope, text):
    try:
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
            got, want = run(test.left, "eval", scope), run(test.comparators[0], "eval", scope)
            report(got == want, text, f"got {show(got)}, expected {show(want)}")
        else:
            report(bool(run(test, "eval", scope)), text, "it is false")
    except Exception as e:
        report(False, text, f"raised {type(e).__name__}: {e}")
def body(nodes, scope, inside):
    for node in nodes:
        text = (ast.get_source_segment(src, node) or "").splitlines()[0][:200]
        if isinstance(node, ast.Assert):
            example(node.test, scope, text)
        elif (not inside and isinstance(node, ast.FunctionDef) and node.name.startswith("test")
              and not node.args.args):  # a test function: its lines are examples too
            body(node.body, dict(scope), True)
        else:
            try:
                run(node, "exec", scope)
            except Exception as e:
                if inside:  # the rest of this test function needs what failed
                    report(False, text, f"raised {type(e).__name__}: {e}")
                    return
                print(f"SETUP line {node.lineno}: {text}  -> {type(e).__name__}: {e}")
                sys.exit(3)
body(tree.body, {"__name__": "__check__"}, False)
passed, failed = counts
print(f"{passed} passed, {failed} failed")
sys.exit(0 if passed and not failed else 1 if failed else 3)
"""

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$", re.MULTILINE)


@dataclass(frozen=True)
class CheckResult:
    passed: int
    failed: int
    output: str
    broken: bool  # the check itself did not run (does not parse, a setup line raised,
    # no assert, killed): it says nothing about the file

    @property
    def ok(self) -> bool:
        return not self.broken and self.failed == 0


def check_path_for(path: str) -> str:
    """Where the check for `path` is written: `check_<stem>.py` beside it."""
    file = PurePosixPath(path)
    return str(file.with_name(f"check_{file.stem}.py"))


def module_of(path: str) -> str:
    """The import name of a Python file at the workspace root (its stem)."""
    return PurePosixPath(path).stem


def check_opening(path: str, content: str) -> str:
    """How the check starts after its block opener: the import of the file's public
    top-level names, then the first `assert` (so examples are top-level asserts, not a
    test function the runner would not see)."""
    try:
        tree = ast.parse(content)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return f"from {module_of(path)} import "
    public = [
        node for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and not node.name.startswith("_")
    ][:6]  # fmt: skip
    if not public:
        return f"from {module_of(path)} import "
    opening = f"from {module_of(path)} import {', '.join(node.name for node in public)}\n\n"
    # a class's examples need an object built first (seen: `School().add(...)` each on a
    # new object, then `School().roster() == [...]`)
    return opening if any(isinstance(n, ast.ClassDef) for n in public) else opening + "assert "


async def run_check(ctx: ToolContext, check_path: str) -> CheckResult:
    """Run the check file in the workspace, in the sandbox."""
    command = (
        "PY=$(command -v python3 || command -v python); "
        f'"$PY" -c {shlex.quote(RUNNER)} {shlex.quote(check_path)}'
    )
    timeout = min(ctx.command_timeout_s, CHECK_TIMEOUT_S)
    result = await ctx.sandbox.exec(command, str(ctx.workspace.root), timeout)
    output = result.output.strip()
    if result.timed_out:
        return CheckResult(0, 0, f"the check was killed after {timeout:g} s", broken=True)
    match = SUMMARY.search(output)
    if match is None:
        return CheckResult(0, 0, output[-1500:], broken=True)
    passed, failed = int(match.group(1)), int(match.group(2))
    return CheckResult(passed, failed, output[-2500:], broken=passed + failed == 0)
