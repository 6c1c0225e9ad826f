"""What a tool receives: the session's immutable environment plus its resources.

`ToolEnv` is settled before the first call (workspace, sandbox, policy, limits) and never
changes under a running tool. `Resources` holds what tools create as they go (file tracker,
terminals, task list, language servers, code index) and closes it all at the end.
`ToolContext` composes the two; its attribute names are the ones tools always used
(`ctx.workspace`, `ctx.terminals`, ...).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from reins.sandbox.policy import Approver
from reins.tools.errors import ErrorKind, ToolError
from reins.tools.resources import Resources
from reins.tools.terminal_manager import TerminalManager
from reins.tools.tracker import FileTracker
from reins.tools.workspace import Workspace

MAX_READ_BYTES = 100_000  # read_file's default limit

# Resource names (tools own theirs; these are the ones ToolContext offers as attributes).
TRACKER = "tracker"
TERMINALS = "terminals"
TODOS = "todos"
LSP = "lsp"
CODEBASE = "codebase"
CODEBASE_EMBEDDER = "codebase_embedder"


@dataclass(frozen=True)
class ToolEnv:
    """The session's settings for tools; frozen (make a changed copy with dataclasses.replace)."""

    workspace: Workspace
    sandbox: Any  # reins.sandbox.Sandbox; typed loosely to keep tools/ free of a cycle
    command_timeout_s: float = 120.0
    max_command_timeout_s: float = 1800.0  # the ceiling for a model-chosen timeout_s
    background_startup_s: float = 1.0  # how long run_command(background) waits for first output
    mode: str = "workspace-write"  # the sandbox policy (reins.sandbox.policy.MODES)
    allow_network: bool = False
    approver: Approver | None = None  # asks the person (chat); None: never ask (run)
    index_settings: Mapping[str, Any] = field(default_factory=dict)  # config [index]
    # The most one read_file shows: a small model's window is overflowed by one whole large
    # file (seen: a 37 KB read ended a 16k-token session), so the builder lowers it there.
    read_limit_bytes: int = MAX_READ_BYTES

    def __post_init__(self) -> None:
        settings = MappingProxyType(dict(self.index_settings or {}))  # a read-only copy
        object.__setattr__(self, "index_settings", settings)


def _env_field(name: str) -> property:
    def get(self: ToolContext) -> Any:
        return getattr(self.env, name)

    def set_(self: ToolContext, value: Any) -> None:  # a changed copy; the env stays frozen
        self.env = dataclasses.replace(self.env, **{name: value})

    return property(get, set_, doc=f"ToolEnv.{name}")


class ToolContext:
    """Everything a tool may touch: `env` (immutable) and `resources` (per session)."""

    def __init__(
        self,
        workspace: Workspace,
        sandbox: Any,
        command_timeout_s: float = 120.0,
        max_command_timeout_s: float = 1800.0,
        background_startup_s: float = 1.0,
        *,
        mode: str = "workspace-write",
        allow_network: bool = False,
        approver: Approver | None = None,
        index_settings: Mapping[str, Any] | None = None,
        resources: Resources | None = None,
        read_limit_bytes: int = MAX_READ_BYTES,
    ):
        self.env = ToolEnv(
            workspace, sandbox, command_timeout_s, max_command_timeout_s, background_startup_s,
            mode, allow_network, approver, index_settings or {}, read_limit_bytes,
        )  # fmt: skip
        self.resources = resources if resources is not None else Resources()

    @classmethod
    def of(cls, env: ToolEnv, resources: Resources | None = None) -> ToolContext:
        ctx = cls.__new__(cls)
        ctx.env = env
        ctx.resources = resources if resources is not None else Resources()
        return ctx

    # -- the environment --
    workspace = _env_field("workspace")
    sandbox = _env_field("sandbox")
    command_timeout_s = _env_field("command_timeout_s")
    max_command_timeout_s = _env_field("max_command_timeout_s")
    background_startup_s = _env_field("background_startup_s")
    mode = _env_field("mode")
    allow_network = _env_field("allow_network")
    approver = _env_field("approver")
    index_settings = _env_field("index_settings")
    read_limit_bytes = _env_field("read_limit_bytes")

    # -- resources, created on first use --
    @property
    def tracker(self) -> FileTracker:
        return self.resources.get(TRACKER, FileTracker)

    @property
    def terminals(self) -> TerminalManager:
        return self.resources.get(TERMINALS, TerminalManager)

    @property
    def todos(self) -> list[dict[str, str]]:
        return self.resources.get(TODOS, list)

    @todos.setter
    def todos(self, items: list[dict[str, str]]) -> None:
        self.todos[:] = items

    @property
    def lsp(self) -> Any:  # reins.lsp.manager.LspManager once read_lints started it
        return self.resources.peek(LSP)

    @lsp.setter
    def lsp(self, manager: Any) -> None:
        self.resources.put(LSP, manager)

    @property
    def codebase(self) -> Any:  # reins.index.CodeIndex once codebase_search opened it
        return self.resources.peek(CODEBASE)

    @codebase.setter
    def codebase(self, index: Any) -> None:
        self.resources.put(CODEBASE, index)

    @property
    def codebase_embedder(self) -> Any:  # the job building the index's vectors, if any
        return self.resources.peek(CODEBASE_EMBEDDER)

    async def close(self) -> None:
        """Close every resource the tools created (newest first); the sandbox is not ours."""
        await self.resources.close()

    async def authorize_write(self, what: str, diff: Callable[[], str] | None = None) -> None:
        """File-changing tools call this; read-only mode needs the person's yes. The
        approver is shown the change: the action's first line, then the unified diff
        (`diff()`, computed off the event loop and only when someone is asked)."""
        env = self.env
        if env.mode != "read-only":
            return
        shown = await asyncio.to_thread(diff) if diff and env.approver is not None else ""
        action = f"write {what}" + (f"\n{shown}" if shown else "")
        if env.approver is not None and await env.approver(action):
            return
        reason = "denied by the person" if env.approver else "the sandbox policy is read-only"
        raise ToolError(
            ErrorKind.USER_ABORTED,
            f"not allowed to change {what}: {reason}",
            hint="report what you would change instead",
        )
