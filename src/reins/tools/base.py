"""The Tool contract: a pydantic argument model, an async body, one result kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel

from reins.sandbox.policy import Approver
from reins.tools.errors import ErrorKind, ToolError
from reins.tools.terminals import TerminalManager
from reins.tools.tracker import FileTracker
from reins.tools.workspace import Workspace


@dataclass
class ToolResult:
    """What a tool call produced. `output` goes back to the model verbatim."""

    kind: ErrorKind
    output: str
    detail: str | None = None  # for the log only (e.g. a traceback), never sent to the model

    @property
    def ok(self) -> bool:
        return self.kind is ErrorKind.OK


@dataclass
class ToolContext:
    """Everything a tool may touch: the workspace and the sandbox to run commands in."""

    workspace: Workspace
    sandbox: Any  # reins.sandbox.Sandbox; typed loosely to keep tools/ free of a cycle
    command_timeout_s: float = 120.0
    max_command_timeout_s: float = 1800.0  # the ceiling for a model-chosen timeout_s
    background_startup_s: float = 1.0  # how long run_command(background) waits for first output
    tracker: FileTracker = field(default_factory=FileTracker)
    terminals: TerminalManager = field(default_factory=TerminalManager)
    todos: list[dict[str, str]] = field(default_factory=list)
    lsp: Any = None  # reins.lsp.manager.LspManager, started by the first read_lints
    mode: str = "workspace-write"  # the sandbox policy (reins.sandbox.policy.MODES)
    allow_network: bool = False
    approver: Approver | None = None  # asks the person (chat); None: never ask (run)
    codebase: Any = None  # reins.index.CodeIndex, opened by the first codebase_search
    index_settings: dict[str, Any] = field(default_factory=dict)  # config [index]
    codebase_embedder: Any = None  # the thread building its vectors, if one runs

    async def authorize_write(self, what: str) -> None:
        """File-changing tools call this; read-only mode needs the person's yes."""
        if self.mode != "read-only":
            return
        if self.approver is not None and await self.approver(f"write {what}"):
            return
        reason = "denied by the person" if self.approver else "the sandbox policy is read-only"
        raise ToolError(
            ErrorKind.USER_ABORTED,
            f"not allowed to change {what}: {reason}",
            hint="report what you would change instead",
        )


def simplify_optional(prop: dict[str, Any]) -> dict[str, Any]:
    """`X | None = None` → plain X, not required: models copy `anyOf …null` as explicit nulls."""
    prop = {k: v for k, v in prop.items() if k != "title"}
    options = prop.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        other = next(o for o in options if o != {"type": "null"})
        prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **other}
        if prop.get("default", 0) is None:
            del prop["default"]
    return prop


class Tool:
    """Subclasses set name, description, Args and read_only, and implement run()."""

    name: ClassVar[str]
    description: ClassVar[str]
    Args: ClassVar[type[BaseModel]]
    read_only: ClassVar[bool] = True

    def schema(self) -> dict[str, Any]:
        params = self.Args.model_json_schema()
        params.pop("title", None)
        params["properties"] = {
            key: simplify_optional(prop) for key, prop in params.get("properties", {}).items()
        }
        return {"name": self.name, "description": self.description, "parameters": params}

    async def run(self, args: BaseModel, ctx: ToolContext) -> str:  # pragma: no cover
        raise NotImplementedError
