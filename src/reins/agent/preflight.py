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
import re

from reins.agent.attachments import attach_paths, code_files, mentioned_paths
from reins.agent.excerpts import DEFS, Focus, line_refs, module_members_used, names_used, node_ids
from reins.agent.output_paths import cd_dir, is_file, module_hint, relative_paths, resolved
from reins.agent.test_runs import excerpt, run_test_command
from reins.tools.context import ToolContext
from reins.tools.errors import ToolError

HEADER = (
    "\n\n# Files the output names, and the code its tests import, as they are now "
    "(already read for you; do not read them again)"
)
MAX_TEST_BYTES = 256 * 1024  # a test file read for its imports


async def run_tests_first(
    command: str, ctx: ToolContext, budget_bytes: int, tests: bool, attached: dict[str, int],
    cut: set[str] | None = None, code_last: bool = False,
) -> tuple[str, int, str]:  # fmt: skip
    """The message that shows `command`'s result, with the files it points at attached
    (within what is left of `budget_bytes`; `attached`, the request's attachments, is
    updated, and its files are not attached again), and the run's exit code and output.
    `code_last`: the tests are attached before the code, so the code is what the model
    read last (profile edit_first)."""
    exit_code, output = await run_test_command(ctx, command)
    text = _shown_with_files(
        command, exit_code, output, ctx, budget_bytes, tests, attached, cut, code_last
    )
    return text, exit_code, output


def _shown_with_files(
    command: str, exit_code: int, output: str, ctx: ToolContext, budget_bytes: int,
    tests: bool, attached: dict[str, int], cut: set[str] | None, code_last: bool,
) -> str:  # fmt: skip
    output = relative_paths(output, ctx)
    text = f"[reins ran `{command}` before your first step: exit code {exit_code}]\n"
    text += excerpt(output)
    if exit_code != 0 and (hint := module_hint(output, ctx)):
        text += "\n" + hint
    left = budget_bytes - sum(attached.values())
    if exit_code == 0 or left <= 0:
        return text
    base = cd_dir(command)
    named = [p for p in (resolved(ctx, base, m) for m in mentioned_paths(output)) if p]
    named = list(dict.fromkeys(named))
    focus: dict[str, Focus] = {}
    for found in (line_refs(output), node_ids(output)):  # frames, and the failing tests
        for mention, where in found.items():
            if path := resolved(ctx, base, mention):
                into = focus.setdefault(path, Focus(prefer=where.prefer))
                into.lines += where.lines
                into.names += where.names
    code = code_files(named)
    test_files = [p for p in named if p not in code]
    for test_file in test_files:
        source = _source(ctx, test_file)
        used = names_used(source, focus.get(test_file, Focus()))
        # `import pkg as mi` ... `mi.sample(...)`: what the tests take from a module
        members = module_members_used(source, focus.get(test_file, Focus()))
        for module, names in imports(test_file, ctx, source).items():
            if module not in code:
                code.append(module)
            # a module too large to attach whole is cut to what the failing tests use
            wanted = [n for n in names if n in used] or sorted(members)
            if wanted:
                focus.setdefault(module, Focus()).names.extend(wanted)
            if module.endswith("__init__.py"):  # `from pkg import f`: f is defined elsewhere
                inner_modules = reexported(module, ctx, wanted or names)
                for inner, defined in inner_modules.items():
                    if inner not in code:
                        code.append(inner)
                    focus.setdefault(inner, Focus()).names.extend(defined)
                if inner_modules and module not in named and only_reexports(_source(ctx, module)):
                    # seen: `from .more import *` attached alone, and the model wrote it
                    # back three times; the code is in the modules it takes from (one
                    # the output names, an import error's frame, stays)
                    code.remove(module)
            if is_script_index(module):  # require("./src"): its index only gathers the
                # modules where the code is
                code += [inner for inner in imports(module, ctx) if inner not in code]
    order = (*test_files, *code) if code_last else (*code, *test_files)
    paths = [p for p in order if p not in attached]
    text, more = attach_paths(
        text, paths, ctx, left, tests=tests, header=HEADER, focus=focus, cut=cut
    )
    attached.update(more)
    return text


def _source(ctx: ToolContext, path: str) -> str:
    try:
        return ctx.workspace.read(path, limit=MAX_TEST_BYTES).data.decode("utf-8", "replace")
    except (OSError, ToolError):
        return ""


def imported_modules(test_file: str, ctx: ToolContext) -> list[str]:
    """The workspace files a Python test file imports (looked up beside it and at the
    workspace root), in the order of its imports."""
    return list(imports(test_file, ctx))


def imports(test_file: str, ctx: ToolContext, source: str | None = None) -> dict[str, list[str]]:
    """imported_modules, each with the names imported from it (`from m import a, b`);
    `source`: the test file's text when the caller has read it already. Python modules are
    looked up beside the test, at the workspace root and in a src/ folder (the src layout);
    JavaScript and TypeScript ones where their relative `require`/`import` points."""
    if test_file.endswith(SCRIPT_SUFFIXES):
        text = _source(ctx, test_file) if source is None else source
        return dict.fromkeys(script_imports(test_file, text, ctx), [])
    if not test_file.endswith(".py"):
        return {}
    try:
        tree = ast.parse(_source(ctx, test_file) if source is None else source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    here = posixpath.dirname(test_file)
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported = [alias.name for alias in node.names]
            names = [(node.module, imported)]
            names += [(f"{node.module}.{name}", []) for name in imported]
        elif isinstance(node, ast.ImportFrom):  # from . import x
            names = [(alias.name, []) for alias in node.names]
        else:
            continue
        for name, members in names:
            module = name.replace(".", "/")
            for base in dict.fromkeys(
                (here, "", "src", posixpath.join(posixpath.dirname(here), "src"))
            ):
                for candidate in (f"{module}.py", f"{module}/__init__.py"):
                    path = posixpath.join(base, candidate)
                    if path != test_file and (path in found or is_file(ctx, path)):
                        known = found.setdefault(path, [])
                        known += [m for m in members if m not in known]
    return found


SCRIPT_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx")
# require("./src"), import x from "../lib/cart.js", import "./setup"
RELATIVE_IMPORT = re.compile(
    r"""(?:\brequire\s*\(\s*|\bfrom\s+|\bimport\s*\(?\s*)["'](\.{1,2}/[^"'\n]*)["']"""
)


def is_script_index(path: str) -> bool:
    """src/index.js and the like: what `require("./src")` loads (not a Python index.py)."""
    return path.endswith(SCRIPT_SUFFIXES) and posixpath.basename(path).startswith("index.")


def script_imports(path: str, source: str, ctx: ToolContext) -> list[str]:
    """The workspace files a JavaScript/TypeScript file imports by relative path."""
    here = posixpath.dirname(path)
    found: list[str] = []
    for spec in RELATIVE_IMPORT.findall(source):
        base = posixpath.normpath(posixpath.join(here, spec))
        candidates = [base, *(base + s for s in SCRIPT_SUFFIXES)]
        candidates += [posixpath.join(base, "index" + s) for s in SCRIPT_SUFFIXES]
        hit = next((c for c in candidates if not c.startswith("..") and is_file(ctx, c)), None)
        if hit and hit != path and hit not in found:
            found.append(hit)
    return found


def reexported(package: str, ctx: ToolContext, names: list[str]) -> dict[str, list[str]]:
    """The modules a package's `__init__.py` takes `names` from (`from .summary import
    median`, or `*` from a module that defines one of them), each with those names: the
    code a test that imports from the package runs."""
    found: dict[str, list[str]] = {}
    for module, members in imports(package, ctx).items():
        if "*" in members:
            members = [n for n in names if n in top_level_names(_source(ctx, module))]
        wanted = [n for n in names if n in members]
        if wanted:
            found[module] = wanted
    return found


def only_reexports(source: str) -> bool:
    """A package `__init__.py` that defines no function or class (it imports from its
    modules, sets `__version__`, aliases a name or two): not where a bug is fixed."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return not any(isinstance(node, DEFS) for node in ast.walk(tree))


def top_level_names(source: str) -> set[str]:
    """The functions, classes and variables a Python module defines at its top level."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names
