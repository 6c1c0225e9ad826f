"""`reins tasks import|list`: a progress bar on stderr while importing, then a summary
(or one JSON object) on stdout; a suite's tasks as a table (or a JSON array)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reins.evals.importers.common import ImportReport, SourceError
from reins.ui.errors import fail


def _fail(message: str) -> None:
    fail(message)


def run_import(job: Callable[..., ImportReport], as_json: bool) -> None:
    """Run job(progress=...) with a progress bar; print what was imported and dropped.
    Exit 1 when nothing was imported."""
    console = Console(stderr=True)
    bar = Progress(TextColumn("[bold]importing"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("{task.description}"), console=console,
                   transient=True, disable=not console.is_terminal)  # fmt: skip
    try:
        with bar:
            task = bar.add_task("", total=None)
            report = job(progress=lambda done, total, what: bar.update(
                task, completed=done, total=total, description=escape(what)[-60:]))  # fmt: skip
    except SourceError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        _fail("interrupted; the tasks finished so far are in place")
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_report(report)
    if not report.imported:
        sys.exit(1)


def _print_report(report: ImportReport) -> None:
    out = Console(highlight=False)
    total = len(report.imported) + len(report.dropped)
    out.print(f"[bold]{report.kind}[/]: imported {len(report.imported)} of {total} tasks into "
              f"{escape(report.dest)} ({report.seconds:g} s)")  # fmt: skip
    for dropped in report.dropped:
        out.print(
            f"  [yellow]dropped[/] {escape(dropped['name'])}: {escape(dropped['reason'])}",
            soft_wrap=True,
        )
    for note in report.notes:
        out.print(f"  [cyan]note[/] {escape(note)}", soft_wrap=True)
    if report.imported:
        out.print(f"list them with: reins tasks list {escape(report.dest)}")


def _runs(task) -> str:
    if task.container:
        from reins.evals.container import find_engine

        engine = find_engine()
        return (
            f"container ({engine.name})" if engine else "container (skipped: no podman or docker)"
        )
    return "workspace" if task.workspace is not None else "skipped (no workspace)"


def list_tasks(suite: Path, as_json: bool) -> None:
    from reins.evals.task import TaskError, load_suite

    try:
        tasks = load_suite(suite)
    except TaskError as error:
        _fail(str(error))
    rows = [{"name": t.name, "runs": _runs(t),
             "cluster": t.cluster, "solution": t.solution is not None,
             "agent_timeout_s": t.agent_timeout_s, "verifier_timeout_s": t.verifier_timeout_s,
             "source": t.metadata.get("source")} for t in tasks]  # fmt: skip
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} tasks in {escape(str(suite))}", title_justify="left")
    for column in ("name", "runs", "cluster", "solution", "agent timeout", "verifier timeout"):
        table.add_column(column, justify="right" if "timeout" in column else "left")
    for row in rows:
        table.add_row(escape(row["name"]), row["runs"], escape(str(row["cluster"] or "-")),
                      "yes" if row["solution"] else "no", f"{row['agent_timeout_s']:g} s",
                      f"{row['verifier_timeout_s']:g} s")  # fmt: skip
    Console(highlight=False).print(table)
