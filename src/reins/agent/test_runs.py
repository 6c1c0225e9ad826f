"""Running the request's test command, and its output as the model is shown it."""

from __future__ import annotations

import re

from reins.tools.context import ToolContext


async def run_test_command(ctx: ToolContext, command: str) -> tuple[int, str]:
    """Run `command` in the workspace, in the sandbox: its exit code (-1: killed at the
    command time-out) and output."""
    result = await ctx.sandbox.exec(command, str(ctx.workspace.root), ctx.command_timeout_s)
    if result.timed_out:
        return -1, f"killed after {ctx.command_timeout_s:g} s\n{result.output}"
    return result.exit_code, result.output


# Test-run noise. Seen on a mutate task: the embedded model "fixed" the DeprecationWarning
# that opened the output (`warnings.warn(`, in a file without it) four times over, with
# the failing function attached below.
PROGRESS = re.compile(r"^(?=[sFExX]*\.)[.sFExX]{3,}(?:\s*\[\s*\d+%\])?$")  # unittest/pytest dots
PROGRESS_THEN = re.compile(r"^[.sFExX]+(?=\S+:\d+: \w*Warning: )")  # dots, then a warning
WARNING_LINE = re.compile(r"^\S+:\d+: \w*Warning: ")


def quiet(output: str) -> str:
    """Test output without progress dots and warnings (each warning's source line too)."""
    kept: list[str] = []
    warnings = 0
    lines = output.splitlines()
    skip_source = False
    for line in lines:
        line = PROGRESS_THEN.sub("", line)
        if skip_source and line.startswith("  "):
            skip_source = False
            continue
        skip_source = False
        if WARNING_LINE.match(line):
            warnings += 1
            skip_source = True
            continue
        if not PROGRESS.match(line.rstrip()):
            kept.append(line)
    if warnings:
        kept.append(f"({warnings} warning line(s) left out)")
    return "\n".join(kept)


def excerpt(output: str, head: int = 1400, tail: int = 500) -> str:
    """Test output for the model, quiet: the start (the first failure, in full) and the end
    (the summary); the middle of a long run is mostly more of the same."""
    output = quiet(output).strip()
    if len(output) <= head + tail + 20:
        return output
    return f"{output[:head]}\n[… {len(output) - head - tail} characters …]\n{output[-tail:]}"


FAILURE_LINE = re.compile(r"^(?:[\w.]*(?:Error|Exception)\b:?|E\s|FAILED\b)")


def first_failure(output: str) -> str:
    """The first line that says what failed (an error, a pytest `E` line, `FAILED`),
    else the output's last line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    said = [ln for ln in lines if FAILURE_LINE.match(ln)]
    return (said[:1] or lines[-1:] or ["no output"])[0][:200]
