"""Codebase search quality and speed on real packages no one here wrote.

Corpus: seven sdists (django has 2,800+ files). Docstrings are stripped from the indexed copy, so
the two query sets the benchmark derives cannot be answered by matching the docstring itself:
- docstring → code: the first sentence of a public function's docstring; gold: that function;
- symbol: the name of a class or function defined once in the repo; gold: its definition.
Systems, in the same run: reins hybrid, its ablations (each signal off in turn), reins lexical
only, and two baselines: ripgrep on the query's words and plain BM25 over whole files.
Speed and memory (cold index, one-file update, query latency, peak RSS) for the smallest and the
largest repo, each measured in a fresh subprocess.

    python benchmarks/search.py            # everything (about 10 minutes on 2 cores)
    python benchmarks/search.py --quick    # three small repos, fewer queries
    python benchmarks/search.py --compare-models   # static table vs full MiniLM (slow)
    python benchmarks/search.py --compare-models --quick   # the same on requests + click
    python benchmarks/search.py --minilm-speed     # django's speed with the whole MiniLM
                                                   # (what `auto` upgrades to; 5 min to embed)
"""

from __future__ import annotations

import ast
import json
import math
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402
from _sdists import fetch  # noqa: E402

from reins.index.bm25 import BM25  # noqa: E402
from reins.index.codebase import CodeIndex  # noqa: E402
from reins.index.ranking import Signals  # noqa: E402

PACKAGES = [
    ("requests", "2.32.3"),
    ("click", "8.1.8"),
    ("flask", "3.1.0"),
    ("jinja2", "3.1.5"),
    ("attrs", "24.1.0"),
    ("rich", "13.8.0"),
    ("django", "5.1.4"),
]
QUICK = "--quick" in sys.argv
CORPUS = Path(__file__).parent / "results" / "corpus"
QUERIES_PER_REPO = 40 if QUICK else 120
SEED = 7
STOP = set("a an the of to in for and or is are be by with on at as it this that from into "
           "if not return returns given use used using which its".split())  # fmt: skip


@dataclass(frozen=True)
class Query:
    text: str
    path: str
    start: int
    end: int


# -- corpus ---------------------------------------------------------------------------------
def extract(name: str, version: str) -> Path:
    """The sdist unpacked, with every docstring removed from its Python files."""
    target = CORPUS / f"{name}-{version}"
    marker = target / ".stripped"
    if marker.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(fetch(name, version)) as tar:
        for member in tar.getmembers():
            if not member.isfile() or "/" not in member.name:
                continue
            rel = member.name.split("/", 1)[1]
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if rel.endswith(".py"):
                original = CORPUS / "originals" / f"{name}-{version}" / rel
                original.parent.mkdir(parents=True, exist_ok=True)
                original.write_bytes(data)
                try:
                    data = strip_docstrings(data.decode("utf-8")).encode("utf-8")
                except (UnicodeDecodeError, SyntaxError, ValueError):
                    pass
            out.write_bytes(data)
    marker.write_text("docstrings stripped\n")
    return target


def _docstring_nodes(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):  # fmt: skip
                yield node, body[0]


def strip_docstrings(source: str) -> str:
    lines = source.splitlines(keepends=True)
    removals = []
    for owner, doc in _docstring_nodes(ast.parse(source)):
        first, last = doc.lineno - 1, (doc.end_lineno or doc.lineno) - 1
        if lines[first][: doc.col_offset].strip() or lines[last][doc.end_col_offset :].strip():
            continue  # shares a line with other code
        only = len(owner.body) == 1
        removals.append((first, last, only, doc.col_offset))
    for first, last, only, col in sorted(removals, reverse=True):
        lines[first : last + 1] = [" " * col + "pass\n"] if only else []
    return "".join(lines)


def first_sentence(doc: str) -> str:
    text = " ".join(doc.strip().split("\n\n")[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).strip()


def definitions(source: str):
    """(qualified name, node) for every function and class."""
    out = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qual = f"{prefix}{child.name}"
                out.append((qual, child))
                visit(child, qual + ".")
            elif not isinstance(child, ast.Lambda):
                visit(child, prefix)

    visit(ast.parse(source), "")
    return out


def is_test(path: str) -> bool:
    return bool(re.search(r"(^|/)(tests?|testing)(/|$)|(^|/)test_", path))


def build_queries(name: str, version: str, repo: Path) -> tuple[list[Query], list[Query]]:
    originals = CORPUS / "originals" / f"{name}-{version}"
    doc_queries: list[Query] = []
    defined: dict[str, list[Query]] = defaultdict(list)
    for original in sorted(originals.rglob("*.py")):
        rel = str(original.relative_to(originals))
        try:
            before = definitions(original.read_text("utf-8"))
            after = dict(definitions((repo / rel).read_text("utf-8")))
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for qual, node in before:
            stripped = after.get(qual)
            if stripped is None:
                continue
            start = min([stripped.lineno] + [d.lineno for d in stripped.decorator_list])
            span = (rel, start, stripped.end_lineno or stripped.lineno)
            defined[node.name].append(Query(node.name, *span))
            doc = ast.get_docstring(node)
            public = not any(part.startswith("_") for part in qual.split("."))
            if (doc and public and not is_test(rel)
                    and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)):  # fmt: skip
                sentence = first_sentence(doc)
                if len(sentence.split()) >= 4:
                    doc_queries.append(Query(sentence, *span))
    counts = Counter(q.text for q in doc_queries)
    doc_queries = [q for q in doc_queries if counts[q.text] == 1]  # ambiguous sentences out
    symbols = [qs[0] for n, qs in defined.items()
               if len(qs) == 1 and not n.startswith("_") and len(n) >= 4]  # fmt: skip
    rng = random.Random(SEED)
    return (rng.sample(doc_queries, min(QUERIES_PER_REPO, len(doc_queries))),
            rng.sample(symbols, min(QUERIES_PER_REPO, len(symbols))))  # fmt: skip


# -- systems --------------------------------------------------------------------------------
Ranked = list[tuple[str, int, int]]  # (path, start, end); a whole file is (path, 0, 10**9)


def query_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)
            if len(w) > 2 and w.lower() not in STOP]  # fmt: skip


def ripgrep(repo: Path, query: str) -> Ranked:
    words = list(dict.fromkeys(query_words(query)))[:12]
    if not words:
        return []
    args = ["rg", "-o", "-i", "-w", "--no-heading", "--with-filename", "--no-line-number"]
    for w in words:
        args += ["-e", re.escape(w)]
    proc = subprocess.run(args, cwd=repo, capture_output=True, text=True, errors="replace")
    distinct: dict[str, set[str]] = defaultdict(set)
    total: Counter[str] = Counter()
    for line in proc.stdout.splitlines():
        path, _, word = line.rpartition(":")
        distinct[path].add(word.lower())
        total[path] += 1
    order = sorted(distinct, key=lambda p: (-len(distinct[p]), -total[p], p))
    return [(p, 0, 10**9) for p in order[:10]]


class FileBM25:
    """The plain baseline: whole files, lower-cased words, no identifier splitting."""

    def __init__(self, repo: Path, paths: list[str]):
        self.paths = paths
        self.bm25 = BM25()
        for slot, rel in enumerate(paths):
            text = (repo / rel).read_text("utf-8", "replace")
            self.bm25.add(slot, [w.lower() for w in re.findall(r"\w+", text)])

    def search(self, query: str) -> Ranked:
        scores = self.bm25.scores([w.lower() for w in re.findall(r"\w+", query)], len(self.paths))
        order = scores.argsort()[::-1][:10]
        return [(self.paths[i], 0, 10**9) for i in order if scores[i] > 0]


# -- metrics --------------------------------------------------------------------------------
def relevant(hit: tuple[str, int, int], gold: Query) -> bool:
    path, start, end = hit
    if path != gold.path:
        return False
    overlap = min(end, gold.end) - max(start, gold.start) + 1
    gold_len = gold.end - gold.start + 1
    # the hit covers at least half the function, or lies inside it (a split long function)
    return overlap > 0 and (overlap * 2 >= gold_len or (start >= gold.start and end <= gold.end))


def score_run(results: list[Ranked], golds: list[Query]) -> dict[str, float]:
    ndcg = recall = mrr = 0.0
    for ranked, gold in zip(results, golds, strict=True):
        for rank, hit in enumerate(ranked[:10]):
            if relevant(hit, gold):  # one gold per query: the first relevant hit counts
                ndcg += 1.0 / math.log2(rank + 2)
                recall += 1.0
                mrr += 1.0 / (rank + 1)
                break
    n = max(len(golds), 1)
    return {"ndcg@10": ndcg / n, "recall@10": recall / n, "mrr": mrr / n}


ABLATIONS = {
    "reins hybrid": Signals(),
    "  - dense": Signals(dense=False),
    "  - lexical": Signals(lexical=False),
    "  - symbol": Signals(symbol=False),
    "  - definition": Signals(definition=False),
    "  - test demotion": Signals(demote_tests=False),
    "  - prose demotion": Signals(demote_prose=False),
    "  dense weight 1.0": Signals(dense_weight=1.0),
    "  - coverage": Signals(coverage=0.0),
}


def evaluate(repos: list[tuple[str, Path, list[Query], list[Query]]]) -> list[dict]:
    per_system: dict[tuple[str, str], list[tuple[list[Ranked], list[Query]]]] = defaultdict(list)
    for name, repo, doc_q, sym_q in repos:
        print(f"[search] evaluating {name}: {len(doc_q)} docstring, {len(sym_q)} symbol queries",
              file=sys.stderr)  # fmt: skip
        index = CodeIndex.open(repo)
        index.refresh()
        index.embed_pending()
        files = FileBM25(repo, sorted({c.path for c in index.chunks if c is not None}))
        for set_name, queries in (("docstring", doc_q), ("symbol", sym_q)):
            for system, signals in ABLATIONS.items():
                ranked = [[(h.path, h.start_line, h.end_line)
                           for h in index.search(q.text, signals=signals)] for q in queries]  # fmt: skip
                per_system[(set_name, system)].append((ranked, queries))
            per_system[(set_name, "baseline: BM25 whole files")].append(
                ([files.search(q.text) for q in queries], queries))  # fmt: skip
            per_system[(set_name, "baseline: ripgrep")].append(
                ([ripgrep(repo, q.text) for q in queries], queries))  # fmt: skip
        index.close()
    rows = []
    for (set_name, system), parts in per_system.items():
        ranked = [r for rs, _ in parts for r in rs]
        golds = [g for _, gs in parts for g in gs]
        rows.append({"queries": set_name, "system": system, "n": len(golds),
                     **score_run(ranked, golds)})  # fmt: skip
    return rows


# -- speed and memory -------------------------------------------------------------------------
def perf_child(repo: Path, embedder: str = "local") -> None:
    """Runs in a fresh process: cold index, one-file update, query latency; prints JSON."""
    from reins.index.index_db import index_path

    path = index_path(repo)
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    if embedder == "minilm":
        from reins.index.embed.transformer import TransformerEmbedder

        model = TransformerEmbedder()
        index = CodeIndex.open(repo, embedder=lambda: model)
    else:
        index = CodeIndex.open(repo)
    stats = index.refresh()
    lexical_s = time.perf_counter() - started
    index.embed_pending()
    cold_s = time.perf_counter() - started
    lexical_queries = ["parse the request headers", "render template with context", "Session"]
    target = max((c for c in index.chunks if c is not None and c.language == "python"),
                 key=lambda c: c.end_line).path  # fmt: skip
    original = (repo / target).read_text("utf-8")
    updates = []
    try:
        for i in range(5):
            (repo / target).write_text(original + f"\n\ndef added_helper_{i}(x):\n    return x\n")
            t = time.perf_counter()
            index.refresh()
            index.embed_pending()
            updates.append(time.perf_counter() - t)
    finally:
        (repo / target).write_text(original)
        index.refresh()
        index.embed_pending()
    words = [w for c in index.chunks[:2000] if c is not None for w in (c.symbol or "").split(".")]
    rng = random.Random(SEED)
    queries = lexical_queries + [f"how does {w} handle errors" for w in rng.sample(words, 60)]
    latencies, fresh = [], []
    for q in queries:
        t = time.perf_counter()
        index.search(q)
        latencies.append(time.perf_counter() - t)
        t = time.perf_counter()
        index.refresh()  # what every search through the tool pays to stay current
        index.search(q)
        fresh.append(time.perf_counter() - t)
    index.close()
    latencies.sort()
    fresh.sort()
    print(json.dumps({
        "files": stats.files, "chunks": stats.chunks,
        "lexical_ready_s": lexical_s, "cold_index_s": cold_s,
        "update_one_file_ms": statistics.median(updates) * 1000,
        "query_p50_ms": latencies[len(latencies) // 2] * 1000,
        "query_p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
        "refresh_and_query_p50_ms": fresh[len(fresh) // 2] * 1000,
        "peak_rss_mib": peak_rss_mib(),
    }))  # fmt: skip


def peak_rss_mib() -> float:
    """VmHWM: this process's own peak (ru_maxrss would carry the parent's over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def perf(name: str, repo: Path, embedder: str = "local") -> dict:
    proc = subprocess.run([sys.executable, __file__, "--perf-child", str(repo), embedder],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return {"repo": name, "embedder": embedder, **json.loads(proc.stdout.strip().splitlines()[-1])}


def compare_models(repos) -> list[dict]:
    """Static table vs the full transformer: quality (both query sets) and speed."""
    from reins.index.embed.static import StaticEmbedder
    from reins.index.embed.transformer import TransformerEmbedder

    rows = []
    for label, make in (
        ("static MiniLM table", StaticEmbedder),
        ("full MiniLM (onnxruntime, int8)", TransformerEmbedder),
    ):
        embedder = make()
        ranked = defaultdict(list)
        golds = defaultdict(list)
        latencies, seconds, chunks = [], 0.0, 0
        for _, repo, doc_q, sym_q in repos:
            from reins.index.index_db import index_path

            for leftover in index_path(repo).parent.glob(index_path(repo).name + "*"):
                leftover.unlink()  # cold: the vector cache would hide the embedding cost
            index = CodeIndex.open(repo, embedder=lambda e=embedder: e)
            index.refresh()
            t = time.perf_counter()
            chunks += index.embed_pending()
            seconds += time.perf_counter() - t
            for set_name, queries in (("docstring", doc_q), ("symbol", sym_q)):
                for q in queries:
                    ranked[set_name + " dense"].append(
                        [(h.path, h.start_line, h.end_line)
                         for h in index.search(q.text, signals=Signals(lexical=False))])  # fmt: skip
                    t = time.perf_counter()
                    hits = index.search(q.text)
                    latencies.append(time.perf_counter() - t)
                    ranked[set_name + " hybrid"].append(
                        [(h.path, h.start_line, h.end_line) for h in hits]
                    )
                    golds[set_name].append(q)
            index.close()
        latencies.sort()
        rows.append({"embedder": label, "chunks": chunks,
                     "chunks_per_s": chunks / max(seconds, 1e-9),
                     **{f"{run} ndcg@10": score_run(ranked[run], golds[run.split()[0]])["ndcg@10"]
                        for run in ranked},
                     "query_p50_ms": latencies[len(latencies) // 2] * 1000,
                     "query_p95_ms": latencies[int(len(latencies) * 0.95)] * 1000})  # fmt: skip
    return rows


def main() -> None:
    if "--compare-models" in sys.argv:  # slow: the transformer embeds every chunk
        repos = []
        # django alone is many minutes of MiniLM on two cores: left out
        for name, version in PACKAGES[:2] if QUICK else PACKAGES[:-1]:
            repo = extract(name, version)
            repos.append((name, repo, *build_queries(name, version, repo)))
        report("search_models" + ("_quick" if QUICK else ""),
               f"Embedding candidates ({', '.join(r[0] for r in repos)}): quality and speed",
               compare_models(repos), {"packages": [r[0] for r in repos]})  # fmt: skip
        return
    if "--perf-child" in sys.argv:
        at = sys.argv.index("--perf-child")
        perf_child(Path(sys.argv[at + 1]), *sys.argv[at + 2 : at + 3])
        return
    if "--minilm-speed" in sys.argv:
        name, version = PACKAGES[-1]
        report("search_minilm_speed", f"{name}: speed with the whole MiniLM (2 cores)",
               [perf(name, extract(name, version), "minilm")])  # fmt: skip
        return
    from reins.index.embed.static import StaticEmbedder

    t = time.perf_counter()
    StaticEmbedder()  # distils the table on a machine's first run; reported apart from indexing
    table_s = time.perf_counter() - t
    packages = PACKAGES[:3] if QUICK else PACKAGES
    repos = []
    for name, version in packages:
        repo = extract(name, version)
        doc_q, sym_q = build_queries(name, version, repo)
        repos.append((name, repo, doc_q, sym_q))
    quality = evaluate(repos)
    by = {(r["queries"], r["system"]): r for r in quality}
    bm25_doc = by[("docstring", "baseline: BM25 whole files")]["ndcg@10"]
    hybrid_doc = by[("docstring", "reins hybrid")]["ndcg@10"]
    report("search_quality", "Codebase search quality (one run, same queries)", quality)
    sizes = sorted(repos, key=lambda r: sum(1 for _ in r[1].rglob("*")))
    speed = [perf(sizes[0][0], sizes[0][1]), perf(sizes[-1][0], sizes[-1][1])]
    targets = {
        "hybrid_minus_bm25_docstring_ndcg": hybrid_doc - bm25_doc,
        "symbol_ndcg": by[("symbol", "reins hybrid")]["ndcg@10"],
        "static_table_first_use_s": table_s,
    }
    report("search", "Codebase search speed and memory (2 cores)", speed,
           {"quality": quality, "targets": targets,
            "packages": [f"{n}-{v}" for n, v in packages]})  # fmt: skip
    print(json.dumps(targets, indent=2))


if __name__ == "__main__":
    main()
