"""Wire a Session from configuration: model, profile, tools, sandbox, store, tracer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reins.agent.context import system_prompt
from reins.agent.events import SessionEvents
from reins.agent.history import repair_history
from reins.agent.outcome import Budget
from reins.agent.session import Session
from reins.agent.static_context import gather_static_context
from reins.config import Config
from reins.models.factory import create_client
from reins.models.messages import Message
from reins.models.spec import ModelSpec
from reins.profiles import Profile, select_profile
from reins.profiles.profile import apply_overrides
from reins.sandbox import make_sandbox
from reins.store import SessionStore
from reins.telemetry.tracing import make_tracer
from reins.tools.base import ToolContext
from reins.tools.executor import ToolExecutor
from reins.tools.lints import close_lsp
from reins.tools.registry import build_tools
from reins.tools.workspace import Workspace


class SessionNotFound(LookupError):
    pass


@dataclass
class Runtime:
    """A live session plus what must be closed with it."""

    session: Session
    store: SessionStore
    shutdown_tracing: Callable[[], None]

    async def close(self, timeout_s: float = 10.0) -> None:
        """Close everything; parts that do not close in time are left to process exit."""
        try:
            await asyncio.wait_for(self._close(), timeout_s)
        except TimeoutError:
            pass
        finally:
            self.shutdown_tracing()

    async def _close(self) -> None:
        await self.session.executor.ctx.terminals.close()
        await close_lsp(self.session.executor.ctx)
        if self.session.executor.ctx.codebase is not None:
            self.session.executor.ctx.codebase.close()
        await self.session.model.close()
        await self.session.executor.ctx.sandbox.close()


def resolve_model(config: Config, spec_text: str | None = None):
    """Spec → (spec, profile with the user's overrides, client)."""
    spec = ModelSpec.parse(spec_text or config.model)
    profile = select_profile(spec, config.profile)
    profile = apply_overrides(profile, config.profiles.get(profile.name))
    client = create_client(
        spec,
        max_output_tokens=profile.max_output_tokens,
        temperature=profile.temperature,
        n_ctx=profile.n_ctx,
        max_retries=config.max_retries,
        stop=list(profile.stop),
    )
    return spec, profile, client


def open_session(
    repo: Path,
    config: Config,
    store: SessionStore,
    *,
    title: str,
    events: SessionEvents | None = None,
    resume_id: str | None = None,
    tracer=None,
    approver=None,
) -> Runtime:
    repo = repo.resolve()
    spec, profile, client = resolve_model(config)
    tools = build_tools(list(profile.tools) if profile.tools else None, profile.finish_tool)
    sandbox = make_sandbox(
        str(repo), config.sandbox, config.allow_network, tuple(config.env_passthrough)
    )
    shutdown = lambda: None  # noqa: E731
    if tracer is None:
        tracer, shutdown = make_tracer()
    ctx = ToolContext(
        Workspace(repo), sandbox, config.command_timeout_s,
        mode=config.sandbox, allow_network=config.allow_network, approver=approver,
        index_settings=config.index,
    )  # fmt: skip
    executor = ToolExecutor(tools, ctx, tracer)
    if resume_id:
        row = store.get_session(resume_id)
        if row is None:
            raise SessionNotFound(f"no session {resume_id!r}; see `reins sessions list`")
        session_id = row.id
        # A run killed mid-step leaves calls without results, which providers reject.
        history, repairs = repair_history(store.messages(session_id))
        if repairs and events is not None:
            events.notice(f"repaired the stored history: {'; '.join(repairs)}")
        prompt = build_system_prompt(profile, executor, repo)
        if not history or history[0].role != "system":
            history.insert(0, Message("system", prompt))
    else:
        session_id = store.create_session(str(repo), str(spec), profile.name, title)
        history = [Message("system", build_system_prompt(profile, executor, repo))]
        store.add_message(session_id, history[0])
    session = Session(
        session_id=session_id,
        model=client,
        profile=profile,
        executor=executor,
        store=store,
        history=history,
        tracer=tracer,
        budget=Budget(config.max_steps, config.max_tokens, config.max_wall_s),
        events=events,
        model_retries=config.max_retries,
    )
    return Runtime(session, store, shutdown)


def build_system_prompt(profile: Profile, executor: ToolExecutor, repo: Path) -> str:
    return system_prompt(profile, executor.schemas(), str(repo), gather_static_context(repo))
