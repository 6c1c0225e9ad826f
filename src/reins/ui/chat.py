"""`reins chat`: prompt_toolkit input with history, rich rendering, /model, Ctrl-C per step."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from rich.console import Console

from reins.agent.builder import Runtime, build_system_prompt, open_session, resolve_model
from reins.config import Config
from reins.store import SessionStore, default_store_path
from reins.ui.errors import SETUP_ERRORS
from reins.ui.model_loading import prepare_model
from reins.ui.render import ConsoleEvents

HELP = """commands:
  /model SPEC   switch model (history is kept), e.g. /model openai:gpt-5
  /session      show this session's id
  /exit         quit (Ctrl-D too). Ctrl-C stops the current step."""


def make_approver(console: Console):
    """Ask before an action outside the sandbox policy; 'always' covers that kind of action."""
    always: set[str] = set()

    async def approve(action: str) -> bool:
        from prompt_toolkit import PromptSession

        kind = action.split()[0]
        if kind in always:
            return True
        console.print(f"[yellow]reins wants to {action}[/yellow]")
        try:
            answer = await PromptSession().prompt_async("allow? [y]es / [n]o / [a]lways: ")
        except (KeyboardInterrupt, EOFError):
            return False
        answer = answer.strip().lower()
        if answer in ("a", "always"):
            always.add(kind)
            return True
        return answer in ("y", "yes")

    return approve


async def _switch_model(runtime: Runtime, config: Config, spec_text: str, console: Console) -> None:
    session = runtime.session
    _, profile, client = resolve_model(config, spec_text)
    await asyncio.to_thread(prepare_model, client, console)
    await session.model.close()
    prompt = build_system_prompt(profile, session.executor, session.executor.ctx.workspace.root)
    session.switch_model(client, profile, prompt)
    console.print(f"[green]now using {client.model} (profile {profile.name})[/green]")


async def _turn(runtime: Runtime, text: str, console: Console) -> None:
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(runtime.session.run_turn(text))
    loop.add_signal_handler(signal.SIGINT, task.cancel)
    try:
        outcome = await task
    finally:
        loop.remove_signal_handler(signal.SIGINT)
    console.print(
        f"[dim]{outcome.status} · {outcome.steps} steps · {outcome.tool_calls} tool calls · "
        f"{outcome.tokens_in}/{outcome.tokens_out} tokens · {outcome.wall_s:.1f}s[/dim]"
    )


async def _chat(repo: Path, config: Config, store: SessionStore, resume_id: str | None) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    console = Console()
    runtime = open_session(
        repo, config, store, title="chat", events=ConsoleEvents(console), resume_id=resume_id,
        approver=make_approver(console),
    )  # fmt: skip
    await asyncio.to_thread(prepare_model, runtime.session.model, console)
    history_file = default_store_path().parent / "chat_history"
    prompt = PromptSession(history=FileHistory(str(history_file)))
    console.print(
        f"[bold]reins chat[/bold] · {runtime.session.model.model} · session {runtime.session.id}"
        " · /help for commands"
    )
    try:
        while True:
            try:
                text = (await prompt.prompt_async("reins> ")).strip()
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            if not text:
                continue
            if text in ("/exit", "/quit"):
                break
            if text == "/help":
                console.print(HELP)
            elif text == "/session":
                console.print(runtime.session.id)
            elif text.startswith("/model"):
                spec = text.removeprefix("/model").strip()
                if not spec:
                    console.print(f"current model: {runtime.session.model.model}")
                    continue
                try:
                    await _switch_model(runtime, config, spec, console)
                except SETUP_ERRORS as error:
                    console.print(f"[red]cannot switch: {error}[/red]")
            elif text.startswith("/"):
                console.print(f"unknown command {text.split()[0]}\n{HELP}")
            else:
                await _turn(runtime, text, console)
    finally:
        await runtime.close()
        console.print(
            f"[dim]session {runtime.session.id} saved; resume with reins chat --resume {runtime.session.id}[/dim]"
        )


def run_chat(repo: Path, config: Config, store: SessionStore, resume_id: str | None) -> None:
    try:
        asyncio.run(_chat(repo, config, store, resume_id))
    except SETUP_ERRORS as error:
        Console(stderr=True).print(f"[red]reins: error:[/red] {error}")
        raise SystemExit(1) from None
