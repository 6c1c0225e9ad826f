"""Show progress while the embedded model is assembled (first run) and loaded."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn


def prepare_model(client, console: Console) -> None:
    """Local clients need a load step (GGUF assembly + weights); others need nothing."""
    if not hasattr(client, "ensure_weights"):
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("assembling model (first run only)", total=None, visible=False)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, visible=True)

        client.ensure_weights(on_progress)
    with console.status(f"loading {client.model}…"):
        client.load()


def console_prepare(console: Console) -> Callable[[object], None]:
    """A Runner `prepare` that shows its progress on `console`."""
    return lambda client: prepare_model(client, console)
