"""The bench's HTML report: one self-contained file (plots inlined as SVG, no scripts, no
network) with pass rates and their CIs per arm, the task × arm matrix, the pairwise
comparisons and the wall-time and token distributions."""

from __future__ import annotations

import html
import io
from collections import defaultdict
from pathlib import Path

from reins.evals.results import TrialResult

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222 }
h1 { font-size: 1.5em } h2 { font-size: 1.15em; margin-top: 2em }
table { border-collapse: collapse; margin: .5em 0 }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right }
th:first-child, td:first-child { text-align: left }
td.pass { background: #c9ecc9 } td.fail { background: #f3c9c9 } td.part { background: #f6e7b6 }
td.none { background: #eee } .note { color: #666 }
"""


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog: inline SVG


def _plots(summaries, results: list[TrialResult], arms: list[str]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plots = {}
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(summaries)))
    names = [s.name for s in summaries]
    rates = [s.pass_rate for s in summaries]
    errors = [
        [s.pass_rate - s.ci_low for s in summaries],
        [s.ci_high - s.pass_rate for s in summaries],
    ]
    ax.barh(names, rates, xerr=errors, color="#5b8def", capsize=4)
    ax.set_xlim(0, 1)
    ax.set_xlabel("pass rate (95% CI)")
    ax.invert_yaxis()
    plots["pass_rate"] = _svg(fig)
    for key, label in (("wall_s", "wall time per trial (s)"), ("tokens", "tokens per trial")):
        fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(arms)))
        data = []
        for arm in arms:
            trials = [r for r in results if r.variant == arm and not r.skipped]
            if key == "wall_s":
                data.append([r.wall_s for r in trials] or [0])
            else:
                data.append([r.tokens_in + r.tokens_out for r in trials] or [0])
        ax.boxplot(data, orientation="horizontal", tick_labels=arms)
        ax.set_xlabel(label)
        ax.invert_yaxis()
        plots[key] = _svg(fig)
    return plots


def _matrix(results: list[TrialResult], arms: list[str]) -> str:
    cells: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in results:
        if not r.skipped:
            cells[(r.task, r.variant)].append(r.reward)
    tasks = sorted({r.task for r in results})
    rows = ["<tr><th>task</th>" + "".join(f"<th>{html.escape(a)}</th>" for a in arms) + "</tr>"]
    for task in tasks:
        row = [f"<td>{html.escape(task)}</td>"]
        for arm in arms:
            rewards = cells.get((task, arm))
            if not rewards:
                row.append('<td class="none">–</td>')
                continue
            mean = sum(rewards) / len(rewards)
            kind = "pass" if mean >= 1 else "fail" if mean == 0 else "part"
            row.append(f'<td class="{kind}">{mean:.2f}</td>')
        rows.append("<tr>" + "".join(row) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)  # fmt: skip
    return f"<table><tr>{head}</tr>{body}</table>"


def write_report(path: Path, results: list[TrialResult], arms, title: str) -> Path:
    from reins.evals.output import (
        comparison_rows,
        reward_comparisons,
        summarize_arms,
        variant_rows,
    )

    names = [a.name for a in arms]
    summaries, comparisons, power = summarize_arms(results, names)
    plots = _plots(summaries, results, names)
    parts = [
        f"<!doctype html><meta charset='utf-8'><title>{html.escape(title)}</title>",
        f"<style>{STYLE}</style><h1>{html.escape(title)}</h1>",
        "<h2>Arms</h2>",
        _table(*variant_rows(summaries)),
        plots["pass_rate"],
    ]
    if comparisons:
        parts += ["<h2>Against the first arm (paired, per task)</h2>",
                  _table(*comparison_rows(comparisons))]  # fmt: skip
        if power:
            parts.append(f"<p class='note'>{html.escape(power)}</p>")
    named = reward_comparisons(results, names)
    if named:
        parts += ["<h2>On the verifier's named rewards (paired t, mean per task)</h2>",
                  _table(*comparison_rows(named))]  # fmt: skip
    parts += [
        "<h2>Task × arm (mean reward)</h2>",
        _matrix(results, names),
        "<h2>Wall time</h2>",
        plots["wall_s"],
        "<h2>Tokens</h2>",
        plots["tokens"],
    ]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), "utf-8")
    return path
