"""The Tool contract: a pydantic argument model, an async body, one result kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel

from reins.tools.access import WRITE_ALL, Access
from reins.tools.context import ToolContext, ToolEnv
from reins.tools.errors import ErrorKind

__all__ = ["Access", "Tool", "ToolContext", "ToolEnv", "ToolResult", "simplify_optional"]


@dataclass
class ToolResult:
    """What a tool call produced. `output` goes back to the model verbatim."""

    kind: ErrorKind
    output: str
    detail: str | None = None  # for the log only (e.g. a traceback), never sent to the model

    @property
    def ok(self) -> bool:
        return self.kind is ErrorKind.OK


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
    """Subclasses set name, description and Args, implement run(), and say in access() what
    a call touches (the default: anything, exclusively, so a tool that does not say runs
    alone)."""

    name: ClassVar[str]
    description: ClassVar[str]
    Args: ClassVar[type[BaseModel]]

    def access(self, args: BaseModel, env: ToolEnv) -> Access:
        """What this call reads or changes (reins.tools.access); decided before it runs, from
        its validated arguments and the environment only."""
        return WRITE_ALL

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "read_only" in cls.__dict__:  # the old class flag would silently mean "exclusive"
            raise TypeError(f"{cls.__name__}.read_only is gone: override access(args, env) instead")

    def schema(self) -> dict[str, Any]:
        params = self.Args.model_json_schema()
        params.pop("title", None)
        params["properties"] = {
            key: simplify_optional(prop) for key, prop in params.get("properties", {}).items()
        }
        return {"name": self.name, "description": self.description, "parameters": params}

    async def run(self, args: BaseModel, ctx: ToolContext) -> str:  # pragma: no cover
        raise NotImplementedError
