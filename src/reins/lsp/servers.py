"""Which language servers serve which files, and where to find their executables."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServerSpec:
    name: str
    argv: tuple[str, ...]
    install_hint: str


LANGUAGES: dict[str, tuple[str, tuple[ServerSpec, ...]]] = {
    ".py": ("python", (
        ServerSpec("ruff", ("ruff", "server"), "pip install ruff"),
        ServerSpec("basedpyright", ("basedpyright-langserver", "--stdio"), "pip install basedpyright"),
    )),
    ".pyi": ("python", ()),
    ".ts": ("typescript", (ServerSpec("typescript-language-server", ("typescript-language-server", "--stdio"), "npm i -g typescript-language-server typescript"),)),
    ".tsx": ("typescriptreact", (ServerSpec("typescript-language-server", ("typescript-language-server", "--stdio"), "npm i -g typescript-language-server typescript"),)),
    ".js": ("javascript", (ServerSpec("typescript-language-server", ("typescript-language-server", "--stdio"), "npm i -g typescript-language-server typescript"),)),
    ".rs": ("rust", (ServerSpec("rust-analyzer", ("rust-analyzer",), "rustup component add rust-analyzer"),)),
    ".go": ("go", (ServerSpec("gopls", ("gopls",), "go install golang.org/x/tools/gopls@latest"),)),
}  # fmt: skip
LANGUAGES[".pyi"] = LANGUAGES[".py"]


def find_executable(name: str) -> str | None:
    """The venv's bin first (reins may run as .venv/bin/reins without PATH set), then PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def resolve(spec: ServerSpec) -> list[str] | None:
    exe = find_executable(spec.argv[0])
    return [exe, *spec.argv[1:]] if exe else None
