"""apply_patch: multi-file patches in the OpenAI format, atomic: all files change or none."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from reins.tools.base import Tool, ToolContext
from reins.tools.edits.engine import EditFailure, FileText, apply_hunk
from reins.tools.edits.patch import PatchSyntaxError, parse_patch
from reins.tools.edits.syntax import SyntaxCheck
from reins.tools.errors import invalid, unexpected
from reins.tools.files import atomic_write, looks_binary


class ApplyPatchArgs(BaseModel):
    patch: str = Field(description="The patch text, from '*** Begin Patch' to '*** End Patch'")


class ApplyPatch(Tool):
    name = "apply_patch"
    description = (
        "Edit files with a patch: '*** Begin Patch', then per file '*** Update File: path' "
        "(hunks: '@@ optional anchor', lines ' ' context, '-' removed, '+' added), "
        "'*** Add File: path' (lines '+'), '*** Delete File: path', optional '*** Move to: path'; "
        "end with '*** End Patch'. All files change or none."
    )
    Args = ApplyPatchArgs
    read_only = False

    async def run(self, args: ApplyPatchArgs, ctx: ToolContext) -> str:
        try:
            ops = parse_patch(args.patch)
        except PatchSyntaxError as error:
            raise invalid(f"patch syntax: {error}") from None
        ws = ctx.workspace
        writes: dict[Path, bytes | None] = {}  # None = delete
        report: list[str] = []
        failures: list[str] = []
        for op in ops:
            target = ws.resolve(op.path)
            if op.kind == "add":
                if target.exists() and target not in writes:
                    failures.append(f"Add File {op.path}: it already exists (use Update File)")
                    continue
                writes[target] = ("\n".join(op.content) + "\n").encode()
                report.append(f"added {op.path} ({len(op.content)} lines)")
                continue
            if not target.is_file():
                failures.append(f"{op.kind.title()} File {op.path}: no such file")
                continue
            raw = target.read_bytes()
            if looks_binary(raw):
                failures.append(f"{op.path}: binary file")
                continue
            ctx.tracker.ensure_fresh(target, raw, op.path)
            if op.kind == "delete":
                writes[target] = None
                report.append(f"deleted {op.path}")
                continue
            file = FileText.parse(raw.decode("utf-8", errors="surrogateescape"))
            position, notes = 0, []
            syntax = SyntaxCheck(op.path, file.lines)
            for number, hunk in enumerate(op.hunks, 1):
                try:
                    file.lines, position, strategy = apply_hunk(
                        file.lines, hunk, position, what=f"hunk {number}", syntax=syntax
                    )
                    notes.append(
                        f"hunk {number} ok"
                        + ("" if strategy in ("exact", "insert") else f" ({strategy})")
                    )
                except EditFailure as failure:
                    notes.append(f"hunk {number} FAILED")
                    failures.append(f"{op.path}: {failure}")
            data = file.render().encode("utf-8", errors="surrogateescape")
            destination = ws.resolve(op.move_to) if op.move_to else target
            writes[destination] = data
            if op.move_to:
                writes[target] = None
            verb = f"updated {op.path}" + (f" → {op.move_to}" if op.move_to else "")
            broken = syntax.broken_by(file.lines) if not failures else ""
            report.append(f"{verb}: {', '.join(notes) or 'moved'}{broken}")
        if failures:
            raise invalid(
                "the patch was NOT applied (no file changed):\n"
                + "\n".join(report + ["", *failures]),
                hint="fix the failed hunks (copy context lines exactly) and send the whole patch again",
            )
        await ctx.authorize_write(", ".join(ws.relative(p) for p in writes))
        commit(writes, ctx)
        return "\n".join(report)


def commit(writes: dict[Path, bytes | None], ctx: ToolContext) -> None:
    """Write every file, or restore what was there if any write fails midway."""
    backups: dict[Path, bytes | None] = {
        p: (p.read_bytes() if p.is_file() else None) for p in writes
    }
    done: list[Path] = []
    try:
        for path, data in writes.items():
            if data is None:
                path.unlink(missing_ok=True)
                ctx.tracker.forget(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, data)
                ctx.tracker.wrote(path, data)
            done.append(path)
    except OSError as error:
        for path in done:
            old = backups[path]
            if old is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, old)
        raise unexpected(f"writing the patch failed ({error}); every file was restored") from None
