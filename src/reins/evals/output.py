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

    present = _present(results, arms)
    if not present:
        return [], [], ""
    summaries, comparisons = summarize(_ordered(results, present), baseline=present[0])
    by_name = {s.name: s for s in summaries}
    summaries = [by_name[a] for a in present if a in by_name]
    power = _power_line(comparisons)
    return summaries, comparisons, power


def reward_comparisons(results: list[TrialResult], arms: list[str]):
    """Each arm against the first on every named reward the verifier wrote (e.g. the
    fraction of tests passed), with the paired t."""
    from reins.evals.stats import compare_rewards

    present = _present(results, arms)
    if len(present) < 2:
        return []
    return compare_rewards(_ordered(results, present), present[0])


def _present(results: list[TrialResult], arms: list[str]) -> list[str]:
    return [a for a in arms if any(r.variant == a for r in results)]


def _ordered(results: list[TrialResult], present: list[str]) -> list[TrialResult]:
    return sorted(results, key=lambda r: present.index(r.variant) if r.variant in present else 99)


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
               "tokens in/out", "tools", "cache", "errors (agent)"]  # fmt: skip
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
            f"{s.errors} ({s.agent_errors})",
        ]  # fmt: skip
        for s in summaries
    ]
    return headers, rows


def comparison_rows(comparisons) -> tuple[list[str], list[list[str]]]:
    """Pass-rate differences in points; a named reward's (metric column) as a mean."""
    named = any(c.metric != "passed" for c in comparisons)
    headers = ["arm", "vs", *(["metric"] if named else []), "tasks", "difference", "95% CI",
               "p", "method"]  # fmt: skip
    rows = []
    for c in comparisons:
        scale, unit = (100, " pts") if c.metric == "passed" else (1, "")
        digits = 1 if c.metric == "passed" else 3
        rows.append([
            c.b,
            c.a,
            *([c.metric] if named else []),
            str(c.n_tasks),
            f"{c.diff * scale:+.{digits}f}{unit}" if math.isfinite(c.diff) else "–",
            f"{c.ci_low * scale:+.{digits}f} – {c.ci_high * scale:+.{digits}f}"
            if math.isfinite(c.ci_low) else "–",
            _num(c.p_value, 3),
            c.method,
        ])  # fmt: skip
    return headers, rows


def bench_table(results: list[TrialResult], arms, console: Console) -> None:
    summaries, comparisons, power = summarize_arms(results, [a.name for a in arms])
    skipped = sum(1 for r in results if r.skipped)
    _print_table(console, "reins bench", *variant_rows(summaries))
    if comparisons:
        _print_table(console, "paired, per task, against the first arm",
                     *comparison_rows(comparisons))  # fmt: skip
        console.print(f"[dim]{power}[/dim]")
    named = reward_comparisons(results, [a.name for a in arms])
    if named:
        _print_table(console, "paired on the verifier's named rewards (mean per task)",
                     *comparison_rows(named))  # fmt: skip
    if skipped:
        reasons = sorted({r.skipped for r in results if r.skipped})
        console.print(f"[yellow]{skipped} trials skipped: {'; '.join(reasons)}[/yellow]")


def _print_table(console: Console, title: str, headers: list[str], rows: list[list[str]]) -> None:
    table = Table(*headers, title=title)
    for row in rows:
        table.add_row(*row)
    console.print(table)


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
        "comparisons": [_comparison_json(c) for c in comparisons],
        # the same, on each named reward (reward.json) besides `reward`: `metric` names it
        "reward_comparisons": [
            _comparison_json(c) for c in reward_comparisons(results, [a.name for a in arms])
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
                "agent_error": r.agent_error,
                "skipped": r.skipped,
                "agent": r.agent,
            }  # fmt: skip
            for r in results
        ],
    }


def _comparison_json(c) -> dict[str, Any]:
    d = c.to_dict()
    return {
        "a": c.a, "b": c.b, "metric": c.metric, "a_mean": d["a_rate"], "b_mean": d["b_rate"],
        "diff": d["diff"], "ci_low": d["ci_low"], "ci_high": d["ci_high"],
        "p_value": d["p_value"], "method": c.method, "n_tasks": c.n_tasks,
        "min_detectable": d["min_detectable"],
    }  # fmt: skip
