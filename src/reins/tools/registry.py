"""The core tool set, by name."""

from __future__ import annotations

from reins.tools.apply_patch import ApplyPatch
from reins.tools.base import Tool
from reins.tools.codebase_search import CodebaseSearch
from reins.tools.command import RunCommand
from reins.tools.edit_file import EditFile
from reins.tools.files import Glob, ListDir, ReadFile, WriteFile
from reins.tools.finish import Finish
from reins.tools.lints import ReadLints
from reins.tools.planning import Think, TodoWrite
from reins.tools.search import Grep
from reins.tools.terminal_tools import KillTerminal, ReadTerminal

CORE_TOOLS: dict[str, type[Tool]] = {
    tool.name: tool
    for tool in (
        ReadFile, ListDir, Glob, Grep, WriteFile, EditFile, ApplyPatch, RunCommand,
        ReadTerminal, KillTerminal, ReadLints, TodoWrite, Think, CodebaseSearch,
    )
}  # fmt: skip
OPTIONAL_TOOLS: dict[str, type[Tool]] = {Finish.name: Finish}


def build_tools(names: list[str] | None = None, finish: bool = False) -> list[Tool]:
    selected = list(names or CORE_TOOLS)
    unknown = [n for n in selected if n not in CORE_TOOLS]
    if unknown:
        raise ValueError(
            f"unknown tool(s) {', '.join(unknown)}; known: {', '.join(sorted(CORE_TOOLS))}"
        )
    tools = [CORE_TOOLS[name]() for name in selected]
    return tools + [Finish()] if finish else tools
