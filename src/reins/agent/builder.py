"""Assemble a Session: from ready-made parts (build_session) or from settings (open_session).

session = build_session(repo, model=client, profile=profile, store=store, hooks=[...])
session = open_session(repo, config, store, progress=show)   # model spec → client
async with session:
    outcome = await session.run("fix the failing test")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from reins.agent.auto_commit import AutoCommit
from reins.agent.checkpointing import Checkpointing
from reins.agent.context import system_prompt
from reins.agent.events import Recorder, Subscriber
from reins.agent.history import repair_history
from reins.agent.hooks import Hook
from reins.agent.protocols import protocol_for
from reins.agent.session import Session
from reins.agent.static_context import gather_static_context
from reins.agent.store_writer import StoreWriter, load_history
from reins.agent.tracing import TraceWriter
from reins.checkpoints import Checkpoints
from reins.config import Config
from reins.models.client import ModelClient
from reins.models.factory import create_client
from reins.models.pricing import PriceTable
from reins.models.spec import ModelSpec
from reins.profiles import Profile, select_profile
from reins.profiles.profile import apply_overrides
from reins.sandbox import make_sandbox
from reins.store import SessionStore
from reins.telemetry.tracing import make_tracer
from reins.tools.base import Tool, ToolContext
from reins.tools.context import MAX_READ_BYTES
from reins.tools.executor import ToolExecutor
from reins.tools.registry import build_tools
from reins.tools.workspace import Workspace


class SessionNotFound(LookupError):
    pass


def resolve_model(
    config: Config, spec_text: str | None = None
) -> tuple[ModelSpec, Profile, ModelClient]:
    """Spec → (spec, profile with the user's overrides, client)."""
    spec = ModelSpec.parse(spec_text or config.model)
    profile = effective_profile(config, spec)
    client = create_client(
        spec,
        max_output_tokens=profile.max_output_tokens,
        temperature=profile.temperature,
        n_ctx=profile.n_ctx,
        max_retries=config.max_retries,
        stop=list(profile.stop),
        seed=config.seed,
        draft_tokens=profile.draft_tokens,
        alternatives=profile.fork_rewrites,  # only fork_rewrites reads them
    )
    return spec, profile, client


def effective_profile(config: Config, spec: ModelSpec | None = None) -> Profile:
    """The profile a session of `config` gets: selected for the model (or --profile), with
    the user's overrides of it."""
    profile = select_profile(spec or ModelSpec.parse(config.model), config.profile)
    return apply_overrides(profile, config.profiles.get(profile.name))


def profile_tools(profile: Profile, extra: Sequence[Tool] = ()) -> list[Tool]:
    """The tools a profile offers (its list, or every core tool), plus the caller's own."""
    tools = build_tools(list(profile.tools) if profile.tools else None, profile.finish_tool)
    return tools + list(extra)


def build_session(
    repo: str | Path,
    *,
    model: ModelClient,
    profile: Profile,
    store: SessionStore,
    settings: Config | None = None,
    tools: Sequence[Tool] | None = None,
    extra_tools: Sequence[Tool] = (),
    sandbox=None,
    hooks: Sequence[Hook] = (),
    progress: Subscriber | None = None,
    tracer=None,
    title: str = "",
    resume_id: str | None = None,
    parent_session_id: str | None = None,
    variant: str | None = None,
    approver=None,
) -> Session:
    """A session from parts. `settings` gives the limits and sandbox policy (defaults:
    Config()); `tools` replaces the profile's tool set, `extra_tools` adds to it; `progress`
    receives every event (agent/events.py); `tracer` gets spans (default: OTLP if set)."""
    settings = settings or Config()
    repo = Path(repo).resolve()
    if sandbox is None:
        sandbox = make_sandbox(
            str(repo), settings.sandbox, settings.allow_network, tuple(settings.env_passthrough),
            tuple(settings.sandbox_hide),
        )  # fmt: skip
    ctx = ToolContext(
        Workspace(repo), sandbox, settings.command_timeout_s,
        mode=settings.sandbox, allow_network=settings.allow_network, approver=approver,
        index_settings=settings.index,
        # a quarter of a small window (about 4 bytes a token): one read cannot overflow it
        read_limit_bytes=min(MAX_READ_BYTES, profile.n_ctx) if profile.n_ctx else MAX_READ_BYTES,
    )  # fmt: skip
    chosen = list(tools) if tools is not None else profile_tools(profile, extra_tools)
    executor = ToolExecutor(chosen, ctx)
    shutdown_tracing: Callable[[], None] = lambda: None  # noqa: E731
    if tracer is None:
        tracer, shutdown_tracing = make_tracer()
    recorder = Recorder(durable=[StoreWriter(store)], observers=[TraceWriter(tracer)])
    if progress is not None:
        recorder.subscribe(progress)
    history, turns = [], 0
    if resume_id:
        row = store.get_session(resume_id)
        if row is None:
            raise SessionNotFound(f"no session {resume_id!r}; see `reins sessions list`")
        session_id = row.id
        # Stored system prompts are what earlier models saw; this run gets a fresh one.
        stored = [m for m in load_history(store, session_id) if m.role != "system"]
        # A run killed mid-step leaves calls without results, which providers reject.
        history, repairs = repair_history(stored)
        turns = len(store.turns(session_id))
    else:
        repairs = []
        session_id = store.create_session(
            str(repo), model.model, profile.name, title,  # "": named by its first request
            parent_session_id=parent_session_id, variant=variant,
            profile_hash=profile.digest() if hasattr(profile, "digest") else None,
        )  # fmt: skip
    hooks = list(hooks)
    if settings.checkpoints or settings.auto_commit:  # the commit needs the turn's changes
        hooks.append(Checkpointing(Checkpoints(repo)))
    if settings.auto_commit:
        hooks.append(AutoCommit(repo))
    session = Session(
        session_id=session_id, model=model, profile=profile, executor=executor,
        history=history, recorder=recorder,
        budget=_budget(settings), hooks=hooks, model_retries=settings.max_retries,
        turns=turns, pricing=PriceTable(settings.prices), provider=provider_of(model),
    )  # fmt: skip
    session.on_close += [ctx.close, model.close, sandbox.close]  # ctx: every tool resource
    session.on_close.append(shutdown_tracing)
    if repairs:
        session.notice(f"repaired the stored history: {'; '.join(repairs)}")
    session.set_system_prompt(make_system_prompt(profile, executor, repo, settings.prompt_date))
    return session


def open_session(
    repo: str | Path,
    config: Config,
    store: SessionStore,
    *,
    title: str = "",
    progress: Subscriber | None = None,
    resume_id: str | None = None,
    tracer=None,
    approver=None,
    hooks: Sequence[Hook] = (),
    extra_tools: Sequence[Tool] = (),
    parent_session_id: str | None = None,
    variant: str | None = None,
    sandbox=None,
) -> Session:
    """A session from settings: the model spec in `config` picks the client and profile."""
    _, profile, client = resolve_model(config)
    return build_session(
        repo, model=client, profile=profile, store=store, settings=config,
        extra_tools=extra_tools, hooks=hooks, progress=progress, tracer=tracer, title=title,
        resume_id=resume_id, parent_session_id=parent_session_id, variant=variant,
        approver=approver, sandbox=sandbox,
    )  # fmt: skip


async def switch_model(session: Session, config: Config, spec_text: str, prepare=None) -> None:
    """Give the session another model: its profile, tools and rules come with it (the tool
    resources — terminals, file tracker, index — are kept)."""
    _, profile, client = resolve_model(config, spec_text)
    if prepare is not None:
        await prepare(client)
    ctx = session.executor.ctx
    executor = ToolExecutor(profile_tools(profile, _extra_tools(session)), ctx)
    old = session.model
    session.provider = provider_of(client)
    session.switch_model(
        client, profile, executor,
        make_system_prompt(profile, executor, ctx.workspace.root, config.prompt_date),
    )  # fmt: skip
    session.on_close = [client.close if c == old.close else c for c in session.on_close]
    await old.close()


def provider_of(client: ModelClient) -> str:
    """The provider a client talks to, for prices that differ by provider."""
    return getattr(client, "provider", "") or ""


def make_system_prompt(
    profile: Profile, executor: ToolExecutor, repo: Path, date: str | None = None
) -> str:
    """`date`: the day the model is told (YYYY-MM-DD, validated with the config), else today."""
    section = protocol_for(profile).system_section(executor.schemas())
    today = dt.date.fromisoformat(date) if date else None
    return system_prompt(profile, section, str(repo), gather_static_context(repo, today))


def _budget(settings: Config):
    from reins.agent.outcome import Budget

    return Budget(settings.max_steps, settings.max_tokens, settings.max_wall_s)


def _extra_tools(session: Session) -> list[Tool]:
    from reins.tools.registry import CORE_TOOLS, OPTIONAL_TOOLS

    known = set(CORE_TOOLS) | set(OPTIONAL_TOOLS)
    return [tool for tool in session.executor.tools.values() if tool.name not in known]
