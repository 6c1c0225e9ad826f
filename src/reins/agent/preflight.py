"""Run the request's test command before the model's first step when the request names no
code file (profile `run_tests_first`).

"The tests fail (run `python -m unittest -q`): find the bug" names no file. A small model
then guesses where to look: seen, the embedded model rewriting the test file it was told
is correct, with an invented old_string, until the doom-loop guard ends the run. What a
person does first is run the tests and open the code the failure points at. reins does
that for it: the command runs in the sandbox, its output (start and end) becomes a message,
and the workspace files the output names are attached, with the modules that failing Python
test files import (an assertion's traceback names only the test), so the first reply can
already be the fix (with `write_first_kb`, it starts as that file's block). A request
that names code files has them attached already and is left as it is; one that names only
tests (a `mutate` task lists the failing ones) still leaves the code to be found.
"""

from __future__ import annotations

import ast
import posixpath

from reins.agent.attachments import attach_paths, code_files, mentioned_paths
from reins.agent.coding_rules import excerpt, run_test_command
from reins.tools.context import ToolContext
from reins.tools.errors import ToolError

HEADER = (
    "\n\n# Files the output names, and the code its tests import, as they are now "
    "(already read for you; do not read them again)"
)
MAX_TEST_BYTES = 256 * 1024  # a test file read for its imports


async def run_tests_first(
    command: str, ctx: ToolContext, budget_bytes: int, tests: bool, attached: dict[str, int]
) -> str:
    """The message that shows `command`'s result, with the files it points at attached
    (within what is left of `budget_bytes`; `attached`, the request's attachments, is
    updated, and its files are not attached again)."""
    exit_code, output = await run_test_command(ctx, command)
    output = relative_paths(output, ctx)
    text = f"[reins ran `{command}` before your first step: exit code {exit_code}]\n"
    text += excerpt(output)
    left = budget_bytes - sum(attached.values())
    if exit_code == 0 or left <= 0:
        return text
    named = [p for p in mentioned_paths(output) if _is_file(ctx, p)]
    code = code_files(named)
    test_files = [p for p in named if p not in code]
    for test_file in test_files:
        code += [p for p in imported_modules(test_file, ctx) if p not in code]
    paths = [p for p in (*code, *test_files) if p not in attached]
    text, more = attach_paths(text, paths, ctx, left, tests=tests, header=HEADER)
    attached.update(more)
    return text


def relative_paths(output: str, ctx: ToolContext) -> str:
    """`output` with the workspace's absolute path taken off the paths in it (a traceback
    names /tmp/x/cart.py; the model and the attachments work with cart.py)."""
    return output.replace(str(ctx.workspace.root).rstrip("/") + "/", "")


def imported_modules(test_file: str, ctx: ToolContext) -> list[str]:
    """The workspace files a Python test file imports (looked up beside it and at the
    workspace root), in the order of its imports."""
    if not test_file.endswith(".py"):
        return []
    try:
        got = ctx.workspace.read(test_file, limit=MAX_TEST_BYTES)
        tree = ast.parse(got.data)
    except (OSError, ToolError, SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    here = posixpath.dirname(test_file)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom):  # from . import x
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            module = name.replace(".", "/")
            for base in dict.fromkeys((here, "")):
                for candidate in (f"{module}.py", f"{module}/__init__.py"):
                    path = posixpath.join(base, candidate)
                    if path not in found and path != test_file and _is_file(ctx, path):
                        found.append(path)
    return found


def _is_file(ctx: ToolContext, path: str) -> bool:
    try:
        return ctx.workspace.is_file(path)
    except (OSError, ToolError):
        return False
