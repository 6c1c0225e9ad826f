"""finish: the explicit end of a turn, for profiles where every reply must be a tool call."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reins.tools.access import NOTHING, Access
from reins.tools.base import Tool, ToolContext, ToolEnv


class FinishArgs(BaseModel):
    summary: str = Field(description="One or two sentences: what you did and the result")


class Finish(Tool):
    name = "finish"
    description = "Call this when the task is done (or cannot be done) to end your turn."
    Args = FinishArgs

    def access(self, args: FinishArgs, env: ToolEnv) -> Access:
        return NOTHING

    async def run(self, args: FinishArgs, ctx: ToolContext) -> str:
        return args.summary
