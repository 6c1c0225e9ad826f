"""todo_write and think: tools that change nothing in the repo but shape the model's work."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from reins.tools.access import NOTHING, Access
from reins.tools.base import Tool, ToolContext, ToolEnv
from reins.tools.context import TODOS

STATUS_MARK = {"pending": "[ ]", "in_progress": "[~]", "completed": "[x]"}


class TodoItem(BaseModel):
    content: str = Field(description="What to do, one line")
    status: Literal["pending", "in_progress", "completed"] = "pending"


class TodoWriteArgs(BaseModel):
    items: list[TodoItem] = Field(description="The whole task list, replacing the previous one")


class TodoWrite(Tool):
    name = "todo_write"
    description = (
        "Keep a task list for multi-step work: send the whole list each time, marking items "
        "pending, in_progress or completed. The user sees it."
    )
    Args = TodoWriteArgs

    def access(self, args: TodoWriteArgs, env: ToolEnv) -> Access:
        return Access.exclusive([TODOS])  # touches no file; the list lives in the session

    async def run(self, args: TodoWriteArgs, ctx: ToolContext) -> str:
        todos: list[dict[str, str]] = ctx.resources.get(TODOS, list)
        todos[:] = [item.model_dump() for item in args.items]
        done = sum(item.status == "completed" for item in args.items)
        lines = [f"{STATUS_MARK[i.status]} {i.content}" for i in args.items]
        return f"task list ({done}/{len(args.items)} done):\n" + "\n".join(lines)


class ThinkArgs(BaseModel):
    thought: str = Field(description="Your reasoning")


class Think(Tool):
    name = "think"
    description = (
        "Think step by step before acting, when a problem is tricky. Changes nothing; "
        "the thought is only logged."
    )
    Args = ThinkArgs

    def access(self, args: ThinkArgs, env: ToolEnv) -> Access:
        return NOTHING

    async def run(self, args: ThinkArgs, ctx: ToolContext) -> str:
        return "ok"
