"""edit_file: string replacement through the edit engine (exact first, then tolerant matchers)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from reins.tools.access import Access, paths_access
from reins.tools.base import Tool, ToolContext, ToolEnv
from reins.tools.diffs import unified_diff
from reins.tools.edits.engine import EditFailure, occurrence_lines, replace_string
from reins.tools.edits.same_change import describe, repeated_change
from reins.tools.edits.syntax import SyntaxCheck
from reins.tools.errors import ToolError, invalid
from reins.tools.files import atomic_write, looks_binary, missing_file_error
from reins.tools.offload import off_loop
from reins.tools.text_elsewhere import text_elsewhere

MATCH_NOTES = {
    "trailing-whitespace": " (old_string matched ignoring trailing whitespace)",
    "indentation": " (old_string matched ignoring indentation; new lines re-indented)",
    "gapped": " (old_string matched with file lines it left out; those were kept)",
    "gapped-trailing-whitespace": " (old_string matched with file lines it left out; those were kept)",
    "gapped-indentation": " (old_string matched with file lines it left out; those were kept)",
    "anchors": " (old_string matched by its first and last lines)",
    "similarity": " (old_string matched approximately; check the result)",
}


MAX_LINES_LISTED = 10
MADE_BEFORE = (
    "you made this same edit earlier, so old_string is no longer in the file and sending "
    "the edit again changes nothing. If the tests still fail, they need a different change."
)


class EditFileArgs(BaseModel):
    path: str = Field(description="File path, relative to the workspace root")
    old_string: str = Field(description="Exact text to replace, including indentation")
    new_string: str = Field(description="Replacement text")
    replace_all: bool = Field(False, description="Replace every occurrence instead of exactly one")


@dataclass
class _EditPlan:
    path: Path  # the real path read
    text: str  # the file before
    new_text: str
    strategy: str  # the matcher that placed the edit
    line: int  # first changed line


class EditFile(Tool):
    name = "edit_file"
    description = (
        "Replace old_string with new_string in a file. old_string should match the file exactly "
        "(whitespace included) and be unique, unless replace_all is true. Read the file first."
    )
    Args = EditFileArgs

    def access(self, args: EditFileArgs, env: ToolEnv) -> Access:
        return paths_access(env.workspace, "exclusive", [args.path])

    async def run(self, args: EditFileArgs, ctx: ToolContext) -> str:
        plan = await off_loop(self._prepare, args, ctx)
        await ctx.authorize_write(
            args.path, lambda: unified_diff(args.path, plan.text, plan.new_text)
        )
        return await off_loop(self._write, args, plan, ctx)

    def _prepare(self, args: EditFileArgs, ctx: ToolContext) -> _EditPlan:
        """Read, check and compute the edit (off the event loop); nothing is written yet."""
        ws = ctx.workspace
        if args.old_string == "":
            raise invalid("old_string is empty", hint="use write_file to create or replace a file")
        ws.check_writable(args.path)
        try:
            current = ws.read(args.path)
        except (FileNotFoundError, NotADirectoryError):
            raise missing_file_error(ws, args.path) from None
        except IsADirectoryError:
            raise invalid(f"{args.path} is a directory") from None
        raw = current.data
        if looks_binary(raw):
            raise invalid(f"{args.path} is a binary file")
        ctx.tracker.ensure_fresh(current.path, raw, args.path, focus=args.old_string)
        text = raw.decode("utf-8", errors="surrogateescape")
        if args.old_string == args.new_string:
            raise self._identical(args, text, ws.root)
        try:
            new_text, strategy, line = replace_string(
                text, args.old_string, args.new_string, args.replace_all, args.path
            )
        except EditFailure as failure:
            made = (current.path, args.old_string, args.new_string) in ctx.tracker.edits
            raise self._failed(
                args, failure, ws.root, made and args.old_string not in text
            ) from None
        if change := repeated_change(
            ctx.tracker.edits_of(current.path), args.old_string, args.new_string
        ):
            raise invalid(
                f"{args.path}: this edit makes the same change as an edit you made before "
                f"({describe(*change)}) again, over the text that edit wrote: it would apply "
                f"it twice, so it was NOT applied and {args.path} is unchanged. If the tests "
                "still fail after the first time, that change is not the fix.",
                hint="put the earlier change back, or change something else",
            )
        return _EditPlan(current.path, text, new_text, strategy, line)

    @staticmethod
    def _identical(args: EditFileArgs, text: str, root: Path) -> ToolError:
        """An edit that changes nothing. Seen on `mutate`: a line copied from the test
        output sent as both strings, answered only "identical" and sent again. Whether the
        text is in the file at all is what tells the model what it got wrong."""
        message = f"{args.path}: old_string and new_string are identical; nothing would change"
        if args.old_string in text:
            line = text.count("\n", 0, text.index(args.old_string)) + 1
            return invalid(
                f"{message}. That text is at line {line} of {args.path}.",
                hint="to change it, give new_string the text it should become",
            )
        places = text_elsewhere(root, args.old_string, args.path)
        where = f": it is in {', '.join(places)}" if places else ""
        return invalid(
            f"{message}, and that text is not in {args.path}{where}.",
            hint=f"old_string must be text of {args.path}, copied from its lines, and "
            "new_string what that text should become",
        )

    @staticmethod
    def _failed(args: EditFileArgs, failure: EditFailure, root: Path, made: bool) -> ToolError:
        """The answer to an edit the engine could not make. `made`: this session made this
        very edit of this file before and its old text is gone, which says why."""
        if made:
            return invalid(
                f"{args.path}: {MADE_BEFORE}",
                hint="to change something else, copy old_string from the file as it is now",
            )
        message = f"{args.path}: {failure}"
        if str(failure).startswith("old_string was not found") and (
            places := text_elsewhere(root, args.old_string, args.path)
        ):
            return invalid(
                f"{message}\nThat text is not in {args.path}: it is in {', '.join(places)}.",
                hint=f"old_string must be text of {args.path}: copy it from that file's lines",
            )
        return invalid(
            message, hint="copy old_string exactly from the lines above, without the 'N| ' prefix"
        )

    def _write(self, args: EditFileArgs, plan: _EditPlan, ctx: ToolContext) -> str:
        data = plan.new_text.encode("utf-8", errors="surrogateescape")
        target = atomic_write(ctx.workspace, args.path, data)
        ctx.tracker.wrote(target, data)
        ctx.tracker.edited(plan.path, args.old_string, args.new_string)
        note = MATCH_NOTES.get(plan.strategy.removesuffix("+syntax"), "")
        if plan.strategy.endswith("+syntax"):
            note += (
                " (lines old_string left out kept where the file still parses; check the result)"
            )
        broken = SyntaxCheck(args.path, plan.text.splitlines()).broken_by(
            plan.new_text.splitlines()
        )
        where = f"at line {plan.line}"
        if args.replace_all and plan.strategy == "exact":
            lines = occurrence_lines(plan.text, args.old_string)
            if len(lines) > 1:  # how far the edit reached, so a too-wide one is seen
                shown = ", ".join(map(str, lines[:MAX_LINES_LISTED]))
                more = ", ..." if len(lines) > MAX_LINES_LISTED else ""
                where = f"in {len(lines)} places (lines {shown}{more})"
        return f"edited {args.path} {where}{note}{broken}"
