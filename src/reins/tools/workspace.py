"""Path confinement: every path a tool touches must resolve inside the workspace."""

from __future__ import annotations

import os
from pathlib import Path

from reins.tools.errors import invalid


class Workspace:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(os.path.realpath(root))

    def resolve(self, path: str) -> Path:
        """Resolve `path` (relative to the root, or absolute) and refuse escapes.

        Symlinks are resolved before the check, so a link pointing outside is refused
        just like `../..`.
        """
        if not isinstance(path, str) or not path.strip():
            raise invalid("path must be a non-empty string")
        if "\x00" in path:
            raise invalid("path contains a NUL byte")
        candidate = Path(path) if os.path.isabs(path) else self.root / path
        real = Path(os.path.realpath(candidate))
        if real != self.root and not real.is_relative_to(self.root):
            raise invalid(
                f"path {path!r} is outside the workspace",
                hint=f"use paths relative to the workspace root {self.root}",
            )
        return real

    def relative(self, path: Path) -> str:
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return str(path)
        return str(rel) if str(rel) != "." else "."
