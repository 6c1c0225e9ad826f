"""Layered project instructions: an AGENTS.md (or CLAUDE.md) in a sub-folder applies to the
files below it. The repo root's file is in the system prompt; a deeper one is shown the
first time the agent touches a file under its folder, with the result of that call."""

from __future__ import annotations

import re
from pathlib import Path

from reins.agent.hooks import Hook, StepPlan, Turn
from reins.agent.static_context import read_instructions
from reins.tools.executor import ExecutedCall

PATH_ARGUMENTS = ("path", "file", "file_path")
PATCH_FILE = re.compile(r"^\*\*\* (?:Add|Update|Delete) File: (.+)$|^\*\*\* Move to: (.+)$", re.M)


class NestedInstructions(Hook):
    def __init__(self):
        self.checked: set[Path] = set()  # folders looked at in this session

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        root = turn.session.executor.ctx.workspace.root.resolve()
        found = []
        for item in executed:
            for folder in self._folders(root, item):
                if folder in self.checked:
                    continue
                self.checked.add(folder)
                instructions = read_instructions(root, folder)
                if instructions is not None:
                    name, text = instructions
                    found.append(f"[{folder.relative_to(root)}/{name}: instructions for the "
                                 f"files in this folder]\n{text}")  # fmt: skip
        if found:
            plan.note += "\n\n" + "\n\n".join(found)

    @staticmethod
    def _folders(root: Path, item: ExecutedCall) -> list[Path]:
        """The folders between the root (left out: its file is in the system prompt) and
        each file the call named, outermost first."""
        arguments = item.call.arguments
        named = [arguments.get(key) for key in PATH_ARGUMENTS]
        patch = arguments.get("patch")
        if isinstance(patch, str):  # apply_patch names its files inside the patch
            named += [a or b for a, b in PATCH_FILE.findall(patch)]
        folders = []
        for value in named:
            if not isinstance(value, str) or not value.strip() or "\0" in value:
                continue
            try:  # a name too long for the file system raises even from is_dir
                target = (root / value.strip()).resolve()
                is_folder = target.is_relative_to(root) and target.is_dir()
            except (OSError, RuntimeError, ValueError):
                continue
            if not target.is_relative_to(root):
                continue
            chain = [target] if is_folder else []  # a folder's own instructions too
            chain += [p for p in target.parents if p.is_relative_to(root)]
            folders.extend(reversed([p for p in chain if p != root]))
        return folders
