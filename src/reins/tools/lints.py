"""read_lints: diagnostics from the repo's language servers for the files the agent touched."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reins.lsp.client import LspError
from reins.lsp.manager import LspManager
from reins.tools.access import READ_ALL, Access
from reins.tools.base import Tool, ToolContext, ToolEnv
from reins.tools.context import LSP
from reins.tools.errors import ErrorKind, ToolError, invalid

MAX_DIAGNOSTICS = 100
SEVERITY = {1: "error", 2: "warning", 3: "info", 4: "hint"}


class ReadLintsArgs(BaseModel):
    paths: list[str] | None = Field(
        None, description="Files to check (default: the files you changed in this session)"
    )


def format_diagnostic(rel: str, server: str, d: dict) -> str:
    start = d.get("range", {}).get("start", {})
    code = d.get("code")
    source = d.get("source") or server
    label = f"{source} {code}" if code else source
    severity = SEVERITY.get(d.get("severity", 1), "error")
    return f"{rel}:{start.get('line', 0) + 1}:{start.get('character', 0) + 1}: {severity} [{label}] {d.get('message', '').strip()}"


class ReadLints(Tool):
    name = "read_lints"
    description = (
        "Lint and type-check diagnostics (language servers, e.g. ruff and basedpyright for "
        "Python) for the given files, or for the files you changed in this session."
    )
    Args = ReadLintsArgs

    def access(self, args: ReadLintsArgs, env: ToolEnv) -> Access:
        # Reads the whole workspace, not only `paths`: a type checker's diagnostics for a
        # file depend on the files it imports, which an earlier edit may be changing.
        return READ_ALL

    async def run(self, args: ReadLintsArgs, ctx: ToolContext) -> str:
        ws = ctx.workspace
        if args.paths:
            targets = [ws.resolve(p) for p in args.paths]
        else:
            targets = sorted(p for p in ctx.tracker.written if p.exists())
            if not targets:
                return "no files changed in this session yet; pass paths to check specific files"
        lsp: LspManager = ctx.resources.get(LSP, lambda: LspManager(ws.root, sandbox=ctx.sandbox))
        lines: list[str] = []
        notes: list[str] = []
        attempted = timed_out = 0
        for path in targets:
            rel = ws.relative(path)
            if not path.is_file():
                raise invalid(f"{rel} is not a file")
            language = lsp.language_of(path)
            if language is None or not language[1]:
                notes.append(
                    f"no diagnostics available for {rel} (no language server for {path.suffix or 'this file type'})"
                )
                continue
            language_id, specs = language
            served = False
            for spec in specs:
                if lsp.installed(spec) is None:
                    continue
                served = True
                attempted += 1
                try:
                    client = await lsp.client(spec)
                    found = await client.diagnostics(path, language_id, lsp.diagnostics_timeout_s)
                    lines.extend(format_diagnostic(rel, spec.name, d) for d in found)
                except TimeoutError:
                    timed_out += 1
                    notes.append(f"{spec.name} timed out on {rel}")
                except (LspError, OSError) as error:
                    notes.append(f"{spec.name} failed on {rel}: {error}")
            if not served:
                hints = "; ".join(s.install_hint for s in specs)
                notes.append(
                    f"no diagnostics available for {language_id} ({rel}): no server installed ({hints})"
                )
        if attempted and timed_out == attempted:
            raise ToolError(ErrorKind.TIMEOUT, "language servers timed out:\n" + "\n".join(notes))
        if len(lines) > MAX_DIAGNOSTICS:
            lines = lines[:MAX_DIAGNOSTICS] + [f"[{len(lines) - MAX_DIAGNOSTICS} more diagnostics]"]
        checked = len(targets)
        body = "\n".join(lines) if lines else f"no problems found in {checked} file(s)"
        return "\n".join([body, *notes])


async def close_lsp(ctx: ToolContext) -> None:
    """Stop the session's language servers now (ctx.close() stops them too)."""
    await ctx.resources.close_one(LSP)
