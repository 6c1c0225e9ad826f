"""Code search on human-style queries with graded relevance (issue 17's yardstick).

The queries (benchmarks/search_queries/*.jsonl) were written by reading five pinned real
projects in four languages (see benchmarks/search_queries/README.md for how), the way a
developer asks: behaviour in their own words, half-remembered names, quoted error
messages, broad concepts. Each has graded judgements (3: the answer, 2: directly involved,
1: related) as file line ranges.

Systems, in one run: reins hybrid, reins lexical only (no embeddings), and two baselines:
plain BM25 over whole files and ripgrep on the query's words (file-level hits, which count
as covering every range in the file: generous to them).

Metrics over the top 10: NDCG@10 with gains 2^grade - 1 (each judged range counted once,
ideal = the judged ranges sorted by grade), Recall@10 of the grade-3 ranges, MRR of the
first grade-3 range. Per repository, per query kind, and overall.

    python benchmarks/search_human.py [--repo NAME]... [--embeddings local|minilm]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _human_corpus import REPOS, extract  # noqa: E402
from _report import report  # noqa: E402
from search import FileBM25, relevant, ripgrep  # noqa: E402

QUERIES = Path(__file__).parent / "search_queries"
Hit = tuple[str, int, int]


@dataclass(frozen=True)
class Judged:
    path: str
    start: int
    end: int
    grade: int


@dataclass(frozen=True)
class HumanQuery:
    id: str
    repo: str
    text: str
    kind: str
    relevant: tuple[Judged, ...]


def load_queries(repo: str) -> list[HumanQuery]:
    path = QUERIES / f"{repo}.jsonl"
    if not path.is_file():
        return []
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            q = json.loads(line)
            judged = tuple(
                Judged(r["path"], r["start"], r["end"], r["grade"]) for r in q["relevant"]
            )
            out.append(HumanQuery(q["id"], repo, q["query"], q.get("kind", "behaviour"), judged))
    return out


def covers(hit: Hit, judged: Judged) -> bool:
    """The hit shows the judged code: at least half of it, or lies inside it."""
    return relevant(hit, judged)  # the rule of benchmarks/search.py, for the same reading


def score(ranked: list[Hit], query: HumanQuery) -> dict[str, float]:
    found: set[int] = set()
    dcg = 0.0
    first_answer = None
    for rank, hit in enumerate(ranked[:10]):
        matches = [i for i, j in enumerate(query.relevant) if i not in found and covers(hit, j)]
        if not matches:
            continue
        best = max(matches, key=lambda i: query.relevant[i].grade)
        found.add(best)
        grade = query.relevant[best].grade
        dcg += (2**grade - 1) / math.log2(rank + 2)
        if grade == 3 and first_answer is None:
            first_answer = rank
    ideal = sorted((j.grade for j in query.relevant), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    answers = [i for i, j in enumerate(query.relevant) if j.grade == 3]
    answered = sum(1 for i in answers if any(covers(h, query.relevant[i]) for h in ranked[:10]))
    return {
        "ndcg@10": dcg / idcg if idcg else 0.0,
        "recall@10": answered / len(answers) if answers else 0.0,
        "mrr": 0.0 if first_answer is None else 1.0 / (first_answer + 1),
    }


def systems(repo_path: Path, embeddings: str = "local"):
    """(name, search function) pairs over one repository's fresh index."""
    from reins.index.codebase import CodeIndex
    from reins.index.embed.factory import make_embedder
    from reins.index.ranking import Signals

    index = CodeIndex.open(repo_path, lambda: make_embedder({"embeddings": embeddings}),
                           force=True)  # fmt: skip
    index.refresh()
    started = time.perf_counter()
    chunks = index.embed_pending()
    seconds = time.perf_counter() - started
    print(f"[search-human] {repo_path.name}: {chunks} chunks embedded ({embeddings}) in "
          f"{seconds:.1f} s, {chunks / max(seconds, 1e-9):.0f} chunks/s", file=sys.stderr)  # fmt: skip
    files = FileBM25(repo_path, sorted({c.path for c in index.chunks if c is not None}))

    def reins(signals):
        return lambda q: [
            (h.path, h.start_line, h.end_line) for h in index.search(q, signals=signals)
        ]

    return index, [
        ("reins hybrid", reins(Signals())),
        ("  - exact", reins(Signals(exact=False))),
        ("  - stub demotion", reins(Signals(demote_stubs=False))),
        ("  - coverage", reins(Signals(coverage=0.0))),
        ("  - members", reins(Signals(members=False, qualified=False))),
        ("reins lexical only", reins(Signals(dense=False))),
        ("baseline: BM25 whole files", files.search),
        ("baseline: ripgrep", lambda q: ripgrep(repo_path, q)),
    ]


# Queries no repository here answers (off-topic, gibberish): a search should call its best
# hit for these "no good match" (Hit.match < 0.5), and not for the real queries.
OFF_TOPIC = [
    "banana bread recipe with walnuts", "weather forecast for tomorrow in Paris",
    "who won the 1998 world cup final", "how to repot an orchid", "qwzx plmk vbnr tyhg",
    "lorem ipsum dolor sit amet", "best hiking boots for winter", "zxcv asdf qwer uiop",
    "translate good morning into japanese", "symptoms of a sprained ankle",
    "cheap flights to lisbon in may", "knitting pattern for a scarf", "fjord glacier moraine",
    "how many calories in an avocado", "mortgage rates this week", "blorpt snazzle frimble",
    "train timetable from berlin to munich", "how to tune a ukulele",
]  # fmt: skip


def calibration(index, queries: list[HumanQuery]) -> dict[str, list[float]]:
    """The best hit's match and the best cosine with any chunk, for real and off-topic
    queries: where the "no good match" line falls for this embedder."""
    import numpy as np

    n = len(index.chunks)
    vectors = index.matrix[:n][index.has_vector[:n] & index.alive[:n]]
    out: dict[str, list[float]] = defaultdict(list)
    for kind, texts in (("real", [q.text for q in queries]), ("off", OFF_TOPIC)):
        for text in texts:
            hits = index.search(text, limit=1)
            out[f"{kind}_match"].append(hits[0].match if hits else 0.0)
            cosine = vectors @ index.embedder.embed([text])[0] if len(vectors) else np.zeros(1)
            out[f"{kind}_cosine"].append(float(cosine.max()))
    return out


def calibration_rows(found: dict[str, list[float]]) -> dict[str, float]:
    import numpy as np

    real, off = np.array(found["real_match"]), np.array(found["off_match"])
    return {
        "real queries whose best hit is a match (>= 0.5)": round(float((real >= 0.5).mean()), 3),
        "off-topic queries called no good match (< 0.5)": round(float((off < 0.5).mean()), 3),
        "real best cosine p5": round(float(np.percentile(found["real_cosine"], 5)), 3),
        "real best cosine p25": round(float(np.percentile(found["real_cosine"], 25)), 3),
        "off-topic best cosine p75": round(float(np.percentile(found["off_cosine"], 75)), 3),
        "off-topic best cosine max": round(float(np.max(found["off_cosine"])), 3),
    }


def evaluate(
    names: list[str], embeddings: str = "local", calibrated: dict | None = None
) -> tuple[list[dict], list[dict]]:
    per: dict[tuple[str, str, str], list[dict[str, float]]] = defaultdict(list)
    for repo in REPOS:
        if names and repo.name not in names:
            continue
        queries = load_queries(repo.name)
        if not queries:
            print(f"[search-human] {repo.name}: no queries yet, skipped", file=sys.stderr)
            continue
        path = extract(repo)
        print(
            f"[search-human] {repo.name} ({repo.language}): {len(queries)} queries", file=sys.stderr
        )
        index, runs = systems(path, embeddings)
        try:
            for system, search in runs:
                for q in queries:
                    s = score(search(q.text), q)
                    for group in (("all", "all"), ("repo", repo.name), ("kind", q.kind)):
                        per[(system, *group)].append(s)
            if calibrated is not None:
                for key, values in calibration(index, queries).items():
                    calibrated.setdefault(key, []).extend(values)
        finally:
            index.close()
    summary, detail = [], []
    for (system, group, value), scores in sorted(per.items()):
        row = {"system": system, group: value, "n": len(scores),
               **{m: round(sum(s[m] for s in scores) / len(scores), 3)
                  for m in ("ndcg@10", "recall@10", "mrr")}}  # fmt: skip
        (summary if group == "all" else detail).append(row)
    return summary, detail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", action="append", default=[], help="only these repositories")
    parser.add_argument("--embeddings", choices=("local", "minilm"), default="local",
                        help="the index's embedder ([index] embeddings): the static table "
                             "(default) or the whole MiniLM")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["REINS_INDEX_DIR"] = tmp  # a fresh index: nothing cached from before
        found: dict[str, list[float]] = {}
        summary, detail = evaluate(args.repo, args.embeddings, found)
    by_repo = [{k: v for k, v in r.items()} for r in detail if "repo" in r]
    by_kind = [{k: v for k, v in r.items()} for r in detail if "kind" in r]
    name = "search_human" + ("" if args.embeddings == "local" else f"_{args.embeddings}")
    calibrated = calibration_rows(found)
    for label, value in calibrated.items():
        print(f"[search-human] {label}: {value}", file=sys.stderr)
    title = f"human-style queries ({args.embeddings} embeddings): NDCG@10 / Recall@10 / MRR"
    report(name, title, summary,
           {"by_repo": by_repo, "by_kind": by_kind, "no_good_match": calibrated})  # fmt: skip
    from rich.console import Console
    from rich.table import Table

    for title, rows, key in (
        ("by repository", by_repo, "repo"),
        ("by query kind", by_kind, "kind"),
    ):
        table = Table(title=title)
        for column in ("system", key, "n", "ndcg@10", "recall@10", "mrr"):
            table.add_column(column)
        for r in rows:
            table.add_row(
                r["system"],
                r[key],
                str(r["n"]),
                *(f"{r[m]:.3f}" for m in ("ndcg@10", "recall@10", "mrr")),
            )
        Console().print(table)


if __name__ == "__main__":
    main()
