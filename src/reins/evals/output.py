"""What a bench prints: the arms × metrics table and the paired comparisons (terminal),
or one JSON object for scripts. The numbers come from reins.evals.stats."""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from reins.evals.results import TrialResult


def summarize_arms(results: list[TrialResult], arms: list[str]):
    """(summaries in arm order, comparisons against the first arm, the power line)."""
    from reins.evals.stats import summarize

    present = [a for a in arms if any(r.variant == a for r in results)]
    if not present:
        return [], [], ""
    ordered = sorted(
        results, key=lambda r: present.index(r.variant) if r.variant in present else 99
    )
    summaries, comparisons = summarize(ordered, baseline=present[0])
    by_name = {s.name: s for s in summaries}
    summaries = [by_name[a] for a in present if a in by_name]
    power = _power_line(comparisons)
    return summaries, comparisons, power


def _power_line(comparisons) -> str:
    detectable = [c.min_detectable for c in comparisons if c.min_detectable is not None]
    if not comparisons:
        return ""
    first = comparisons[0]
    if not detectable or not math.isfinite(detectable[0]):
        return f"With {first.n_tasks} tasks × {first.epochs} epochs, no difference is reliably detectable."
    return (
        f"With {first.n_tasks} tasks × {first.epochs} epochs, the smallest difference in pass "
        f"rate this suite detects (α 0.05, power 0.8) is about {detectable[0] * 100:.0f} points."
    )


def _pct(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x * 100:.0f}%"


def _num(x: float, digits: int = 1) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def variant_rows(summaries) -> tuple[list[str], list[list[str]]]:
    headers = ["arm", "passed", "pass rate (95% CI)", "reward", "median s", "p90 s",
               "tokens in/out", "tools", "cache", "errors"]  # fmt: skip
    rows = [
        [
            s.name,
            f"{s.passed}/{s.trials}",
            f"{_pct(s.pass_rate)} ({_pct(s.ci_low)}–{_pct(s.ci_high)})",
            _num(s.mean_reward, 2),
            _num(s.median_wall_s),
            _num(s.p90_wall_s),
            f"{s.tokens_in}/{s.tokens_out}",
            str(s.tool_calls),
            _pct(s.cache_hit_rate),
            str(s.errors),
        ]  # fmt: skip
        for s in summaries
    ]
    return headers, rows


def comparison_rows(comparisons) -> tuple[list[str], list[list[str]]]:
    headers = ["arm", "vs", "tasks", "difference", "95% CI", "p", "method"]
    rows = [
        [
            c.b,
            c.a,
            str(c.n_tasks),
            f"{c.diff * 100:+.1f} pts" if math.isfinite(c.diff) else "–",
            f"{c.ci_low * 100:+.1f} – {c.ci_high * 100:+.1f}" if math.isfinite(c.ci_low) else "–",
            _num(c.p_value, 3),
            c.method,
        ]  # fmt: skip
        for c in comparisons
    ]
    return headers, rows


def bench_table(results: list[TrialResult], arms, console: Console) -> None:
    summaries, comparisons, power = summarize_arms(results, [a.name for a in arms])
    skipped = sum(1 for r in results if r.skipped)
    headers, rows = variant_rows(summaries)
    table = Table(*headers, title="reins bench")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if comparisons:
        headers, rows = comparison_rows(comparisons)
        table = Table(*headers, title="paired, per task, against the first arm")
        for row in rows:
            table.add_row(*row)
        console.print(table)
        console.print(f"[dim]{power}[/dim]")
    if skipped:
        reasons = sorted({r.skipped for r in results if r.skipped})
        console.print(f"[yellow]{skipped} trials skipped: {'; '.join(reasons)}[/yellow]")


def bench_json(results: list[TrialResult], arms) -> dict[str, Any]:
    summaries, comparisons, power = summarize_arms(results, [a.name for a in arms])
    variants = []
    for s in summaries:
        data = s.to_dict()
        variants.append({
            "name": s.name, "trials": s.trials, "passed": s.passed,
            "pass_rate": data["pass_rate"], "ci_low": data["ci_low"], "ci_high": data["ci_high"],
            "mean_reward": data["mean_reward"], "median_wall_s": data["median_wall_s"],
            "tokens_in": s.tokens_in, "tokens_out": s.tokens_out, "tool_calls": s.tool_calls,
            "details": data,
        })  # fmt: skip
    return {
        "variants": variants,
        "comparisons": [
            {
                "a": c.a,
                "b": c.b,
                "diff": d["diff"],
                "ci_low": d["ci_low"],
                "ci_high": d["ci_high"],
                "p_value": d["p_value"],
                "method": c.method,
                "n_tasks": c.n_tasks,
                "min_detectable": d["min_detectable"],
            }  # fmt: skip
            for c, d in ((c, c.to_dict()) for c in comparisons)
        ],
        "power": power,
        "trials": [
            {
                "task": r.task,
                "variant": r.variant,
                "epoch": r.epoch,
                "reward": r.reward,
                "passed": r.passed,
                "session_id": r.session_id,
                "wall_s": r.wall_s,
                "error": r.error,
                "skipped": r.skipped,
                "agent": r.agent,
            }  # fmt: skip
            for r in results
        ],
    }
