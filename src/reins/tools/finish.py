"""finish: the explicit end of a turn, for profiles where every reply must be a tool call."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reins.tools.base import Tool, ToolContext


class FinishArgs(BaseModel):
    summary: str = Field(description="One or two sentences: what you did and the result")


class Finish(Tool):
    name = "finish"
    description = "Call this when the task is done (or cannot be done) to end your turn."
    Args = FinishArgs

    async def run(self, args: FinishArgs, ctx: ToolContext) -> str:
        return args.summary
