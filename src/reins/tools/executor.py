"""Runs a batch of tool calls: validation, parallelism under the RW lock, taxonomy, spans."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import time
import traceback
from dataclasses import dataclass

from pydantic import ValidationError

from reins.models.messages import ToolCall
from reins.tools.base import Tool, ToolContext, ToolResult
from reins.tools.errors import ErrorKind, ToolError
from reins.tools.rwlock import RWLock

log = logging.getLogger("reins.tools")


@dataclass
class ExecutedCall:
    call: ToolCall
    result: ToolResult
    duration_s: float


def invalid_unicode(value, where: str = "arguments") -> str | None:
    """JSON may carry lone surrogates ("\\ud800"); no file or process can take them."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return f"{where} contains invalid Unicode ({error.reason} at position {error.start})"
    elif isinstance(value, dict):
        for key, item in value.items():
            found = invalid_unicode(key, where) or invalid_unicode(item, f"{key}")
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = invalid_unicode(item, where)
            if found:
                return found
    return None


MAX_RESULT_CHARS = 110_000  # no tool result may flood the context, whatever it echoes


def cap_result(text: str) -> str:
    if len(text) <= MAX_RESULT_CHARS:
        return text
    half = MAX_RESULT_CHARS // 2
    return f"{text[:half]}\n[... {len(text) - 2 * half} characters omitted ...]\n{text[-half:]}"


def classify_os_error(error: OSError) -> tuple[ErrorKind, str]:
    """The filesystem refused: a name the model made too long is its mistake; anything else
    (permissions, symlink loops, a full disk) is the environment contradicting the context."""
    text = f"{type(error).__name__}: {error.strerror or error}"
    if error.errno == errno.E2BIG:
        return ErrorKind.INVALID_ARGUMENTS, (
            f"{text}: the command line is too long for the system; write it to a script "
            "file with write_file and run that"
        )
    if error.errno in (errno.ENAMETOOLONG, errno.EINVAL):
        return ErrorKind.INVALID_ARGUMENTS, text
    return ErrorKind.UNEXPECTED_ENVIRONMENT, text


def format_validation_error(tool: Tool, error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(arguments)"
        problems.append(f"{where}: {item['msg']}")
    return f"invalid arguments for {tool.name}: " + "; ".join(problems)


class ToolExecutor:
    def __init__(self, tools: list[Tool], ctx: ToolContext, tracer=None):
        self.tools = {tool.name: tool for tool in tools}
        self.ctx = ctx
        self.tracer = tracer
        self.lock = RWLock()

    def schemas(self) -> list[dict]:
        return [tool.schema() for tool in self.tools.values()]

    async def run_batch(self, calls: list[ToolCall]) -> list[ExecutedCall]:
        """Run all calls; results come back in the order of `calls`.

        If the batch is cancelled (Ctrl-C), calls not yet finished are answered UserAborted
        and the CancelledError propagates after the results are recorded in `self.aborted`.
        """
        tickets = [self.lock.reserve(exclusive=self._is_exclusive(c)) for c in calls]
        tasks = [
            asyncio.create_task(self._run_one(call, ticket))
            for call, ticket in zip(calls, tickets, strict=True)
        ]
        try:
            return list(await asyncio.gather(*tasks))
        except asyncio.CancelledError:
            for task, ticket in zip(tasks, tickets, strict=True):
                task.cancel()
                self.lock.abandon(ticket)
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    def aborted_results(self, calls: list[ToolCall], timed_out: bool = False) -> list[ExecutedCall]:
        if timed_out:
            result = ToolResult(
                ErrorKind.TIMEOUT, "stopped: the run's time budget ran out before it finished"
            )
        else:
            result = ToolResult(ErrorKind.USER_ABORTED, "aborted by the user before it finished")
        return [ExecutedCall(call, result, 0.0) for call in calls]

    def _is_exclusive(self, call: ToolCall) -> bool:
        tool = self.tools.get(call.name)
        return tool is None or not tool.read_only

    async def _run_one(self, call: ToolCall, ticket) -> ExecutedCall:
        async with ticket:
            start = time.perf_counter()
            if self.tracer is None:
                result = await self._execute(call)
            else:
                with self.tracer.start_as_current_span(f"execute_tool {call.name}") as span:
                    span.set_attribute("gen_ai.operation.name", "execute_tool")
                    span.set_attribute("gen_ai.tool.name", call.name)
                    span.set_attribute("gen_ai.tool.call.id", call.id)
                    result = await self._execute(call)
                    if not result.ok:
                        span.set_attribute("error.type", result.kind.value)
            return ExecutedCall(call, result, time.perf_counter() - start)

    async def _execute(self, call: ToolCall) -> ToolResult:
        result = await self._execute_uncapped(call)
        result.output = cap_result(result.output)
        return result

    async def _execute_uncapped(self, call: ToolCall) -> ToolResult:
        if call.parse_error:
            return ToolResult(ErrorKind.INVALID_ARGUMENTS, call.parse_error)
        tool = self.tools.get(call.name)
        if tool is None:
            known = ", ".join(sorted(self.tools))
            return ToolResult(
                ErrorKind.INVALID_ARGUMENTS, f"unknown tool {call.name!r}; available: {known}"
            )
        problem = invalid_unicode(call.arguments)
        if problem:
            return ToolResult(
                ErrorKind.INVALID_ARGUMENTS, f"invalid arguments for {tool.name}: {problem}"
            )
        try:
            args = tool.Args.model_validate(call.arguments)
        except ValidationError as error:
            return ToolResult(ErrorKind.INVALID_ARGUMENTS, format_validation_error(tool, error))
        try:
            output = await tool.run(args, self.ctx)
            return ToolResult(ErrorKind.OK, output)
        except ToolError as error:
            text = error.message + (f"\nhint: {error.hint}" if error.hint else "")
            return ToolResult(error.kind, text)
        except asyncio.CancelledError:
            raise
        except OSError as error:
            return ToolResult(*classify_os_error(error))
        except RecursionError:
            return ToolResult(
                ErrorKind.INVALID_ARGUMENTS,
                f"invalid arguments for {tool.name}: a value is nested too deeply to handle",
            )
        except Exception as error:  # a bug in reins: keep the session alive, log loudly
            detail = traceback.format_exc()
            log.error("tool %s failed unexpectedly: %s", call.name, detail)
            message = (
                f"internal error in {call.name}: {type(error).__name__}: {error}. "
                "This is a bug in reins, not in your call; try another approach."
            )
            return ToolResult(ErrorKind.UNKNOWN, message, detail=detail)


def arguments_json(call: ToolCall) -> str:
    """The call's arguments for the log; a malformed call keeps the model's own text."""
    if call.parse_error and call.raw_arguments is not None:
        return json.dumps({"_raw": call.raw_arguments}, ensure_ascii=False)
    return json.dumps(call.arguments, ensure_ascii=False, sort_keys=True)
