"""`reins chat`: prompt_toolkit input with history, rich rendering, /model, Ctrl-C per step."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from rich.console import Console

from reins.agent.builder import open_session, switch_model
from reins.agent.runner import SETUP_ERRORS
from reins.agent.session import Session
from reins.config import Config
from reins.store import SessionStore, default_store_path
from reins.ui.model_loading import prepare_model
from reins.ui.render import ConsoleProgress

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


async def _switch_model(session: Session, config: Config, spec_text: str, console: Console) -> None:
    async def prepare(client) -> None:
        await asyncio.to_thread(prepare_model, client, console)

    await switch_model(session, config, spec_text, prepare)
    console.print(
        f"[green]now using {session.model.model} (profile {session.profile.name}, "
        f"{len(session.executor.tools)} tools)[/green]"
    )


async def _turn(session: Session, text: str, console: Console) -> None:
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(session.run(text))
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
    session = open_session(
        repo, config, store, title="chat", progress=ConsoleProgress(console), resume_id=resume_id,
        approver=make_approver(console),
    )  # fmt: skip
    await asyncio.to_thread(prepare_model, session.model, console)
    history_file = default_store_path().parent / "chat_history"
    prompt = PromptSession(history=FileHistory(str(history_file)))
    console.print(
        f"[bold]reins chat[/bold] · {session.model.model} · session {session.id}"
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
                console.print(session.id)
            elif text.startswith("/model"):
                spec = text.removeprefix("/model").strip()
                if not spec:
                    console.print(f"current model: {session.model.model}")
                    continue
                try:
                    await _switch_model(session, config, spec, console)
                except SETUP_ERRORS as error:
                    console.print(f"[red]cannot switch: {error}[/red]")
            elif text.startswith("/"):
                console.print(f"unknown command {text.split()[0]}\n{HELP}")
            else:
                await _turn(session, text, console)
    finally:
        await session.close()
        console.print(
            f"[dim]session {session.id} saved; resume with reins chat --resume {session.id}[/dim]"
        )


def run_chat(repo: Path, config: Config, store: SessionStore, resume_id: str | None) -> None:
    try:
        asyncio.run(_chat(repo, config, store, resume_id))
    except SETUP_ERRORS as error:
        Console(stderr=True).print(f"[red]reins: error:[/red] {error}")
        raise SystemExit(1) from None
