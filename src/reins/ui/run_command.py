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
from reins.store import SessionStore
from reins.ui.errors import SETUP_ERRORS
from reins.ui.model_loading import prepare_model
from reins.ui.render import ConsoleEvents


def setup_failure(message: str) -> RunOutcome:
    return RunOutcome("", "error", 0, 0, 0, 0, 0.0, message)


async def run_one_turn(
    task: str, repo: Path, config: Config, store: SessionStore, events: SessionEvents,
    title: str | None = None, progress: Console | None = None,
) -> RunOutcome:  # fmt: skip
    """Open a session, load the model, run one turn, close. Setup failures come back as an
    outcome with status "error" and no session id."""
    try:
        runtime = open_session(repo, config, store, title=title or task, events=events)
        await asyncio.to_thread(
            prepare_model, runtime.session.model, progress or Console(stderr=True)
        )
    except SETUP_ERRORS as error:
        return setup_failure(str(error))
    # SIGINT/SIGTERM abort the step (recorded as UserAborted) and still print the outcome.
    # Installed explicitly: a process started in the background inherits SIGINT ignored.
    loop = asyncio.get_running_loop()
    turn = asyncio.create_task(runtime.session.run_turn(task))
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, turn.cancel)
    try:
        return await turn
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await runtime.close()


def run_headless(task: str, repo: Path, config: Config, store: SessionStore, as_json: bool) -> str:
    events = SessionEvents() if as_json else ConsoleEvents(Console(), show_stats=True)
    outcome = asyncio.run(run_one_turn(task, repo, config, store, events))
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
