"""Runs a batch of tool calls: validation, scheduling by declared access, taxonomy, spans.

Each call says what it touches (`Tool.access(args, env)`: reins.tools.access). A call waits
for every earlier call, of its batch or one still running from before, whose access
conflicts with its own; everything else runs side by side. Two edits of different files
overlap, two edits of one file never do, `ls` runs beside read_file, and a command that may
write anything runs alone, in the order the model wrote the calls.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import sys
import time
import traceback
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from reins.models.client import ProviderError, to_provider_error
from reins.models.messages import ToolCall
from reins.tools.access import NOTHING, WRITE_ALL, Access
from reins.tools.base import Tool, ToolContext, ToolResult
from reins.tools.errors import ErrorKind, ToolError

log = logging.getLogger("reins.tools")


@dataclass
class ExecutedCall:
    call: ToolCall
    result: ToolResult
    duration_s: float
    finished_at: float = field(default_factory=time.time)  # wall clock, for spans


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


@dataclass
class _Prepared:
    """A call checked before it is scheduled: its tool and arguments, or the error to answer."""

    call: ToolCall
    tool: Tool | None = None
    args: BaseModel | None = None
    error: ToolResult | None = None
    access: Access = NOTHING  # a call that fails validation touches nothing


PROVIDER_HINT = (
    "a service this tool depends on failed, not your call; try again later or get the "
    "information another way"
)


def sdk_error(error: BaseException):
    """The SDK module (openai, anthropic) whose APIError this is, if one is loaded."""
    for name in ("openai", "anthropic"):
        sdk = sys.modules.get(name)
        api_error = getattr(sdk, "APIError", None)
        if isinstance(api_error, type) and isinstance(error, api_error):
            return sdk
    return None


class ToolExecutor:
    def __init__(self, tools: list[Tool], ctx: ToolContext):
        self.tools = {tool.name: tool for tool in tools}
        self.ctx = ctx
        self._schemas = [tool.schema() for tool in tools]  # pydantic schema generation is slow
        # Calls not finished yet, oldest first: a new batch's calls wait for the ones they
        # conflict with, as they do within a batch.
        self._running: dict[asyncio.Task, Access] = {}

    def schemas(self) -> list[dict]:
        return self._schemas

    async def run_batch(self, calls: list[ToolCall]) -> list[ExecutedCall]:
        """Run all calls; results come back in the order of `calls`. A call waits for the
        earlier calls whose access conflicts with its own (`access_of`); the others run
        concurrently.

        If the batch is cancelled (Ctrl-C), every call not yet finished is cancelled and
        awaited, nothing stays waiting or holding anything, and the CancelledError
        propagates; the caller answers the unfinished calls with `aborted_results`.
        """
        tasks = []
        for prepared in [self._prepare_safely(call) for call in calls]:
            waits = [task for task, access in self._running.items()
                     if access.conflicts(prepared.access)]  # fmt: skip
            task = asyncio.create_task(self._run_one(prepared, waits))
            self._running[task] = prepared.access
            task.add_done_callback(self._finished)
            tasks.append(task)
        try:
            return list(await asyncio.gather(*tasks))
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    def aborted_results(
        self, calls: list[ToolCall], timed_out: bool = False, why: str | None = None
    ) -> list[ExecutedCall]:
        """Results for calls cut off by the deadline or a cancel (`why`: its reason, e.g.
        "terminated by SIGTERM"; none: the person's Ctrl-C)."""
        if timed_out:
            result = ToolResult(
                ErrorKind.TIMEOUT, "stopped: the run's time budget ran out before it finished"
            )
        else:
            text = f"{why} before it finished" if why else "aborted by the user before it finished"
            result = ToolResult(ErrorKind.USER_ABORTED, text)
        return [ExecutedCall(call, result, 0.0) for call in calls]

    def access_of(self, call: ToolCall) -> Access:
        """What `call` would touch (a call that will fail validation touches nothing)."""
        return self._prepare_safely(call).access

    def _finished(self, task: asyncio.Task) -> None:
        self._running.pop(task, None)

    def _prepare_safely(self, call: ToolCall) -> _Prepared:
        try:
            return self._prepare(call)
        except Exception as error:  # a bug in reins: answer this call, run the others
            detail = traceback.format_exc()
            log.error("checking a call to %s failed unexpectedly: %s", call.name, detail)
            message = (
                f"internal error checking {call.name}: {type(error).__name__}: {error}. "
                "This is a bug in reins, not in your call; try another approach."
            )
            return _Prepared(call, error=ToolResult(ErrorKind.UNKNOWN, message, detail=detail))

    def _prepare(self, call: ToolCall) -> _Prepared:
        """Validate a call and ask its tool what it touches; nothing runs yet."""
        if call.parse_error:
            return _Prepared(call, error=ToolResult(ErrorKind.INVALID_ARGUMENTS, call.parse_error))
        tool = self.tools.get(call.name)
        if tool is None:
            known = ", ".join(sorted(self.tools))
            message = f"unknown tool {call.name!r}; available: {known}"
            return _Prepared(call, error=ToolResult(ErrorKind.INVALID_ARGUMENTS, message))
        problem = invalid_unicode(call.arguments)
        if problem:
            message = f"invalid arguments for {tool.name}: {problem}"
            return _Prepared(call, tool, error=ToolResult(ErrorKind.INVALID_ARGUMENTS, message))
        try:
            args = tool.Args.model_validate(call.arguments)
        except ValidationError as error:
            message = format_validation_error(tool, error)
            return _Prepared(call, tool, error=ToolResult(ErrorKind.INVALID_ARGUMENTS, message))
        except RecursionError:
            message = f"invalid arguments for {tool.name}: a value is nested too deeply to handle"
            return _Prepared(call, tool, error=ToolResult(ErrorKind.INVALID_ARGUMENTS, message))
        try:
            access = tool.access(args, self.ctx.env)
        except Exception:  # a bug in the tool's declaration: run it alone, to be safe
            log.error("%s.access failed; running the call alone: %s", tool.name,
                      traceback.format_exc())  # fmt: skip
            access = WRITE_ALL
        return _Prepared(call, tool, args, access=access)

    async def _run_one(self, prepared: _Prepared, waits: list[asyncio.Task]) -> ExecutedCall:
        if waits:
            await asyncio.wait(waits)  # a cancelled or failed one counts as done
        call = prepared.call
        start = time.perf_counter()
        result = await self._execute(prepared)
        return ExecutedCall(call, result, time.perf_counter() - start)

    async def _execute(self, prepared: _Prepared) -> ToolResult:
        result = prepared.error or await self._execute_uncapped(prepared)
        result.output = cap_result(result.output)
        return result

    async def _execute_uncapped(self, prepared: _Prepared) -> ToolResult:
        tool, call = prepared.tool, prepared.call
        assert tool is not None and prepared.args is not None
        try:
            output = await tool.run(prepared.args, self.ctx)
            return ToolResult(ErrorKind.OK, output)
        except ToolError as error:
            text = error.message + (f"\nhint: {error.hint}" if error.hint else "")
            return ToolResult(error.kind, text)
        except asyncio.CancelledError:
            raise
        except ProviderError as error:
            return ToolResult(ErrorKind.PROVIDER_ERROR, f"{error}\nhint: {PROVIDER_HINT}")
        except OSError as error:
            return ToolResult(*classify_os_error(error))
        except RecursionError:
            return ToolResult(
                ErrorKind.INVALID_ARGUMENTS,
                f"invalid arguments for {tool.name}: a value is nested too deeply to handle",
            )
        except Exception as error:
            sdk = sdk_error(error)
            if sdk is not None:  # a model or embeddings SDK call inside the tool failed
                mapped = to_provider_error(
                    error, sdk=sdk, display=f"a service behind {call.name}", key_var="its API key"
                )
                return ToolResult(ErrorKind.PROVIDER_ERROR, f"{mapped}\nhint: {PROVIDER_HINT}")
            # a bug in reins: keep the session alive, log loudly
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
