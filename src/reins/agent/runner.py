"""Runner: one task in one repository, from settings to outcome. `reins run`, the demo, the
lab and rollouts all go through it, so they run exactly what users run.

    outcome = await Runner(repo, config, store, progress=print).run("fix the failing test")

It opens the session, gets the model ready (a local model assembles and loads its
weights), runs the turn under the deadline (`max_wall_s` counts from here: loading the
model is part of the run) and closes everything. Setup failures come back as an outcome
with status "error" and no session id; cancelling the task aborts the run and still
returns its outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from reins.agent.builder import SessionNotFound, open_session
from reins.agent.events import Subscriber
from reins.agent.hooks import Hook
from reins.agent.outcome import RunOutcome
from reins.config import Config, ConfigError
from reins.models.client import ProviderError
from reins.models.local_assets import ModelAssetError
from reins.models.scripted import ScriptError
from reins.models.spec import ModelSpecError
from reins.profiles import ProfileError
from reins.store import SessionStore, StoreError
from reins.tools.base import Tool

# Errors that mean "this cannot start" (a bad spec, a missing key or weights): reported.
SETUP_ERRORS = (
    ConfigError, ModelAssetError, ModelSpecError, ProfileError, ProviderError, ScriptError,
    SessionNotFound, StoreError, ValueError,
)  # fmt: skip
CLOSE_TIMEOUT_S = 1.5  # closing tools, servers and the model after the turn


def prepare_client(client, on_progress: Callable[[int, int], None] | None = None) -> None:
    """Local clients need a load step (GGUF assembly, then weights); others need nothing."""
    if hasattr(client, "ensure_weights"):
        client.ensure_weights(on_progress)
        client.load()


def setup_failure(message: str) -> RunOutcome:
    return RunOutcome("", "error", 0, 0, 0, 0, 0.0, message)


class Runner:
    def __init__(
        self,
        repo: str | Path,
        config: Config,
        store: SessionStore,
        *,
        progress: Subscriber | None = None,
        prepare: Callable[[object], None] = prepare_client,
        title: str | None = None,
        hooks: Sequence[Hook] = (),
        extra_tools: Sequence[Tool] = (),
        parent_session_id: str | None = None,
        variant: str | None = None,
        resume_id: str | None = None,
        sandbox=None,
    ):
        self.repo = Path(repo)
        self.config = config
        self.store = store
        self.progress = progress
        self.prepare = prepare  # blocking; runs in a worker thread
        self.title = title
        self.hooks = hooks
        self.extra_tools = extra_tools
        self.parent_session_id = parent_session_id
        self.variant = variant
        self.resume_id = resume_id  # continue this stored session (its history) instead
        self.sandbox = sandbox  # where commands run; None: the one config's policy picks

    async def run(self, task: str) -> RunOutcome:
        loop = asyncio.get_running_loop()
        wall = self.config.max_wall_s
        deadline = loop.time() + wall if wall else None
        try:
            session = await asyncio.to_thread(
                open_session, self.repo, self.config, self.store, title=self.title or "",
                progress=self.progress, hooks=self.hooks, extra_tools=self.extra_tools,
                parent_session_id=self.parent_session_id, variant=self.variant,
                resume_id=self.resume_id, sandbox=self.sandbox,
            )  # fmt: skip
        except SETUP_ERRORS as error:
            return setup_failure(str(error))
        except asyncio.CancelledError:
            return RunOutcome("", "aborted", 0, 0, 0, 0, 0.0, "aborted before the turn started")
        try:
            ready = await self._prepare(session, deadline)
            if ready is not None:
                return ready
            return await session.run(task, deadline=deadline)
        finally:
            await session.close(CLOSE_TIMEOUT_S)

    async def _prepare(self, session, deadline: float | None) -> RunOutcome | None:
        """None when the model is ready; else the outcome that ends the run."""
        loop = asyncio.get_running_loop()
        ending = None
        try:
            prepare = asyncio.to_thread(self.prepare, session.model)
            await asyncio.wait_for(prepare, None if deadline is None else deadline - loop.time())
            return None
        except SETUP_ERRORS as error:
            ending = RunOutcome("", "error", 0, 0, 0, 0, 0.0, str(error))
        except TimeoutError:
            ending = RunOutcome(session.id, "budget", 0, 0, 0, 0, round(self.config.max_wall_s or 0, 3),
                                "stopped: the wall-time budget ran out while loading the model")  # fmt: skip
        except asyncio.CancelledError:
            ending = RunOutcome(session.id, "aborted", 0, 0, 0, 0, 0.0,
                                "aborted while loading the model")  # fmt: skip
        try:
            self.store.set_status(session.id, ending.status)
        except StoreError:
            pass  # the outcome is still reported; the log shows the session as interrupted
        return ending
