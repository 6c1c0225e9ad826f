"""`reins run`: one headless turn; human rendering or exactly one JSON object."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

from rich.console import Console

from reins.agent.builder import open_session
from reins.agent.events import SessionEvents
from reins.agent.outcome import RunOutcome
from reins.config import Config
from reins.store import SessionStore, StoreError
from reins.ui.errors import SETUP_ERRORS
from reins.ui.model_loading import prepare_model
from reins.ui.render import ConsoleEvents

CLOSE_TIMEOUT_S = 1.5  # closing tools, servers and the model after the turn


def setup_failure(message: str) -> RunOutcome:
    return RunOutcome("", "error", 0, 0, 0, 0, 0.0, message)


async def run_one_turn(
    task: str, repo: Path, config: Config, store: SessionStore, events: SessionEvents,
    title: str | None = None, progress: Console | None = None,
) -> RunOutcome:  # fmt: skip
    """Open a session, load the model, run one turn, close. Setup failures come back as an
    outcome with status "error" and no session id. --timeout counts from here: loading
    the model is part of the run. SIGINT/SIGTERM abort whatever runs (a step is recorded
    as UserAborted) and the outcome is still reported."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + config.max_wall_s if config.max_wall_s else None
    body = asyncio.ensure_future(
        _open_and_run(task, repo, config, store, events, title, progress, deadline)
    )
    # Installed explicitly: a process started in the background inherits SIGINT ignored.
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, body.cancel)
    try:
        return await body
    except asyncio.CancelledError:
        return RunOutcome("", "aborted", 0, 0, 0, 0, 0.0, "aborted before the turn started")
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _open_and_run(task, repo, config, store, events, title, progress, deadline):
    loop = asyncio.get_running_loop()
    try:
        runtime = await asyncio.to_thread(
            open_session, repo, config, store, title=title or task, events=events
        )
    except SETUP_ERRORS as error:
        return setup_failure(str(error))
    try:
        try:
            prepare = asyncio.to_thread(
                prepare_model, runtime.session.model, progress or Console(stderr=True)
            )
            await asyncio.wait_for(prepare, None if deadline is None else deadline - loop.time())
        except SETUP_ERRORS as error:
            _record_status(store, runtime.session.id, "error")
            return setup_failure(str(error))
        except TimeoutError:
            _record_status(store, runtime.session.id, "budget")
            return RunOutcome(runtime.session.id, "budget", 0, 0, 0, 0,
                              round(config.max_wall_s or 0, 3),
                              "stopped: the wall-time budget ran out while loading the model")  # fmt: skip
        except asyncio.CancelledError:
            _record_status(store, runtime.session.id, "aborted")
            return RunOutcome(runtime.session.id, "aborted", 0, 0, 0, 0, 0.0,
                              "aborted while loading the model")  # fmt: skip
        return await runtime.session.run_turn(task, deadline=deadline)
    except asyncio.CancelledError:
        _record_status(store, runtime.session.id, "aborted")
        raise
    except Exception:
        _record_status(store, runtime.session.id, "error")
        raise
    finally:
        await runtime.close(CLOSE_TIMEOUT_S)


def _record_status(store: SessionStore, session_id: str, status: str) -> None:
    try:
        store.set_status(session_id, status)
    except StoreError:
        pass  # the run's outcome is still reported; the log shows it as interrupted


def run_headless(task: str, repo: Path, config: Config, store: SessionStore, as_json: bool) -> str:
    events = SessionEvents() if as_json else ConsoleEvents(Console(), show_stats=True)
    outcome = run_to_completion(run_one_turn(task, repo, config, store, events))
    if as_json:
        print(json.dumps(outcome.to_dict(), ensure_ascii=False))
    else:
        console = Console()
        style = "green" if outcome.status == "completed" else "yellow"
        if outcome.status == "error" and not outcome.session_id:
            Console(stderr=True).print(f"[red]reins: error:[/red] {outcome.final_message}")
        else:
            console.print(
                f"[{style}]{outcome.status}[/{style}] · {outcome.steps} steps · "
                f"{outcome.tool_calls} tool calls · {outcome.tokens_in} tokens in / "
                f"{outcome.tokens_out} out · {outcome.wall_s:.1f}s · session {outcome.session_id}"
            )
    return outcome.status


def run_to_completion(coro):
    """asyncio.run, minus its wait for worker threads at the end: a thread still stuck in
    a cancelled call (a model mid-prefill, a huge index refresh) must not keep `reins run`
    alive past its --timeout. The caller exits the process right after."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for leftover in pending:
            leftover.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending, timeout=1.0))
        loop.run_until_complete(loop.shutdown_asyncgens())
