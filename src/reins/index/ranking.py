"""Fusion of the lexical and dense rankings plus code-aware signals.

Each signal is switchable so benchmarks/search.py can measure what it adds (an ablation table).
Measured and dropped (NDCG@10, human-style set / docstring set): a path-match boost
(docstring -0.006); a file-level coverage factor (+0.009 / -0.022); a penalty for a second
chunk of the same definition (-0.005); class heads keeping their docstring (-0.004);
query expansion by nearest vocabulary terms in the static embedding (+0.002, noise); a file
prior, files ranked by the sum of their chunks' BM25 fused as one more ranking (weight 1.0:
+0.015 / -0.034; 2.0: +0.001 / -0.060); dense pseudo-relevance feedback, the query vector
moved toward the top 3 fused chunks' mean and the dense ranking taken again (weight 0.5:
-0.004, 1.0: -0.005, 2.0: -0.007); file diversity in the top 10, at most N hits of a file
before others' (N=3: -0.026, 2: -0.051) or each further hit of a file × 0.8 (-0.051):
the judged answers of a query cluster in a few files. Re-ranking the top 20-30 hits with
the whole MiniLM at query time: +0.031, but 1.4-1.9 s per query uncached; with every chunk
embedded by it ahead of time (`embeddings = "minilm"`) the hybrid gains +0.047 instead.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np

from reins.index.chunker import Chunk
from reins.index.embed import DENSE_WEIGHT

RRF_K = 60
CANDIDATES = 200
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_TEST = re.compile(r"(^|/)(tests?|testing|spec)(/|$)|(^|/)test_[^/]*$|_tests?\.[a-z]+$|\.spec\.")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_VENDORED = re.compile(r"(^|/)(vendor|vendored|third_party|_vendor|extern|node_modules)(/|$)")


@dataclass(frozen=True)
class Signals:
    lexical: bool = True
    dense: bool = True
    symbol: bool = True  # a chunk defining a name the query spells out
    definition: bool = True  # definitions over loose code
    demote_tests: bool = True  # tests and vendored code below the code they exercise
    demote_prose: bool = True  # docs and plain text below code
    # The dense ranking's share in the fusion (lexical: 1.0); None: the embedder's own
    # (embed.DENSE_WEIGHT unless it sets one: 0.5 measured best for the static table).
    dense_weight: float | None = None
    exact: bool = True  # chunks holding a name or quoted text the query spells exactly
    demote_stubs: bool = True  # overload stubs, abstract/`...` bodies, import-only re-exports
    # Scores × (1 + this × the idf-weighted share of the query's terms the chunk holds):
    # ranks alone forget it. 0.5: human-style queries +0.021 NDCG@10, the docstring-sentence
    # set (docstrings stripped from the code) -0.017; 1.0 measured +0.025 / -0.034.
    coverage: float = 0.5
    # A qualified name (`AxiosError.from`) fully boosts only that definition, not the same
    # method of another class (`AxiosHeaders.from`): +0.001 NDCG@10 on human-style queries.
    qualified: bool = True
    # A class the query names and a plain word of it that is one of its members ("AxiosHeaders
    # normalize header names"): that method counts as named. Human-style name queries +0.017
    # NDCG@10 (all +0.004), docstring set -0.001.
    members: bool = True


def top_k(scores: np.ndarray, k: int, valid: np.ndarray) -> list[int]:
    masked = np.where(valid, scores, -np.inf)
    k = min(k, int(np.count_nonzero(np.isfinite(masked) & (masked > -np.inf))))
    if k <= 0:
        return []
    idx = np.sort(np.argpartition(-masked, k - 1)[:k])  # equal scores: the lower slot first
    idx = idx[np.argsort(-masked[idx], kind="stable")]
    return idx[masked[idx] > -np.inf].tolist()


def query_identifiers(query: str) -> list[str]:
    """Words of the query that look like code names (`retry_upload`, `Session.send`, `HTTPError`)."""
    names = []
    for match in _IDENT.findall(query):
        looks_code = ("_" in match or "." in match or any(c.isupper() for c in match[1:])
                      or len(query.split()) == 1)  # fmt: skip
        if looks_code:
            names.append(match)
    return names


def _defines(chunk: Chunk, name: str) -> bool:
    """The chunk defines `Owner.member`: by that name, or as the owner with the member inside."""
    owner, member = name.rsplit(".", 2)[-2:]
    symbols, tails, suffixes = _lowered_symbols(chunk)
    member = member.lower()
    return f"{owner.lower()}.{member}" in suffixes or (owner.lower() in tails and member in symbols)


def _lowered_symbols(chunk: Chunk) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The chunk's symbols lowercased, their last parts, and every dotted tail of them
    (`a.b.c` → `c`, `b.c`, `a.b.c`). Kept on the chunk: a query asks this of the same chunks
    many times."""
    cached = getattr(chunk, "_lowered", None)
    if cached is None:
        symbols = frozenset(s.lower() for s in chunk.symbols)
        parts = [s.split(".") for s in symbols]
        suffixes = frozenset(".".join(p[i:]) for p in parts for i in range(len(p)))
        cached = (symbols, frozenset(p[-1] for p in parts), suffixes)
        object.__setattr__(chunk, "_lowered", cached)
    return cached


# Quoted text: the opening quote not inside a word (so "what's X's default" quotes nothing)
_QUOTED = re.compile(r"(?<!\w)[\"'`“‘]([^\"'`“”‘’]{3,80})[\"'`”’](?!\w)")
# Constants and environment variables (OPENAI_API_KEY): names a person copies exactly. Other
# names go through the symbol signal: boosting every chunk that merely uses a class name
# cost name queries 0.07 NDCG@10 (measured), while quoted text gained 0.10 on literals.
_CONSTANT = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
_OVERLOAD = re.compile(r"^\s*@(?:\w+\.)*overload\b|^\s*@(?:\w+\.)*abstractmethod\b", re.M)
_IMPORT_LINE = re.compile(r"^\s*(?:from\s+\S+\s+import\b|import\b|export\s+\*|export\s*\{|"
                          r"pub\s+use\b|use\b|#|//|$)")  # fmt: skip
_BLOCK_STATEMENT = re.compile(r"\s*(?:if|elif|else|for|async\s+for|while|with|async\s+with|try|"
                              r"except|finally|match|case)\b")  # fmt: skip
_EMPTY_BODY = re.compile(r":\s*(?:#.*)?\n(?:\s*(?:\"\"\"[\s\S]*?\"\"\"|'\'\'[\s\S]*?'\'\')\s*\n)?"
                         r"\s*(?:\.\.\.|pass|raise NotImplementedError\b.*)\s*$")  # fmt: skip


def exact_terms(query: str) -> list[str]:
    """What the query spells exactly: quoted text, and constant-style names
    (OPENAI_API_KEY, MAX_RETRIES)."""
    quoted = [q.strip() for q in _QUOTED.findall(query) if q.strip()]
    names = [n for n in _CONSTANT.findall(query) if not any(n in q for q in quoted)]
    return list(dict.fromkeys(quoted + names))


@functools.lru_cache(maxsize=65536)
def _test_or_vendored(path: str) -> bool:
    return bool(_TEST.search(path) or _VENDORED.search(path))


_STUB, _DEFINITION, _TEST_OR_VENDORED, _PROSE = 1, 2, 4, 8


def chunk_traits(chunk: Chunk) -> int:
    """What the final factors in `fuse` look at, as bits. Kept on the chunk, and the index
    asks for it as it adds the chunk: a first query weighs hundreds of candidates, and the
    regexes behind these bits were most of its cost."""
    cached = getattr(chunk, "_traits", None)
    if cached is None:
        cached = (
            (_STUB if is_stub(chunk) else 0)
            | (_DEFINITION if chunk.kind == "definition" else 0)
            | (_TEST_OR_VENDORED if _test_or_vendored(chunk.path) else 0)
            | (_PROSE if chunk.kind == "text" else 0)
        )
        object.__setattr__(chunk, "_traits", cached)
    return cached


@functools.lru_cache(maxsize=64)
def _factor_table(signals: Signals) -> tuple[float, ...]:
    """Per trait combination, the factor its score is multiplied by."""
    table = []
    for traits in range(16):
        factor = 1.0
        if signals.demote_stubs and traits & _STUB:
            factor *= 0.5
        if signals.definition and traits & _DEFINITION:
            factor *= 1.15
        if signals.demote_tests and traits & _TEST_OR_VENDORED:
            factor *= 0.7
        if signals.demote_prose and traits & _PROSE:
            factor *= 0.7
        table.append(factor)
    return tuple(table)


def is_stub(chunk: Chunk) -> bool:
    """An overload stub, an abstract or `...` body, or only imports (a re-export): the
    implementation elsewhere is the better answer. Plain substring tests first: the regexes
    scan the whole text (3x faster on django's chunks)."""
    text = chunk.text
    if ("overload" in text or "abstractmethod" in text) and _OVERLOAD.search(text):
        return True
    if chunk.kind == "definition" and _body_is_empty(text):
        return True
    return chunk.kind != "text" and all(_IMPORT_LINE.match(line) for line in text.splitlines())


def _body_is_empty(text: str) -> bool:
    """The definition's body is only `...`, `pass` or `raise NotImplementedError` (after a
    docstring). Not a real body whose last block is empty (`except KeyError:` + `pass`): 39
    of django's 391 matches were such implementations, ranked as stubs."""
    last = text.rstrip().rsplit("\n", 1)[-1]
    if not (last.endswith(("...", "pass")) or "raise NotImplementedError" in last):
        return False  # what the regex needs of the last line: most chunks stop here
    match = _EMPTY_BODY.search(text)
    if match is None:
        return False
    header = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
    return not _BLOCK_STATEMENT.match(header)


def fuse(
    lexical: list[int],
    dense: list[int],
    chunks: list[Chunk | None],
    query: str,
    symbol_slots: dict[str, list[int]],
    signals: Signals,
) -> dict[int, float]:
    scores: dict[int, float] = {}
    if signals.lexical:
        for rank, slot in enumerate(lexical):
            scores[slot] = scores.get(slot, 0.0) + 1.0 / (RRF_K + rank + 1)
    if signals.dense:
        weight = DENSE_WEIGHT if signals.dense_weight is None else signals.dense_weight
        for rank, slot in enumerate(dense):
            scores[slot] = scores.get(slot, 0.0) + weight / (RRF_K + rank + 1)
    if signals.symbol:
        names = query_identifiers(query)
        for name in names:
            last = name.rsplit(".", 1)[-1]
            slots = symbol_slots.get(last.lower(), ())
            # `AxiosError.from` when some chunk defines exactly that: the other classes' `from`
            # count for little. A qualifier nothing defines (`requests.get`, `self.get`) is
            # a module or an instance: every `get` stays a candidate.
            qualified = (
                signals.qualified
                and "." in name
                and any(c is not None and _defines(c, name) for c in (chunks[s] for s in slots))
            )
            for slot in slots:
                chunk = chunks[slot]
                if chunk is None:
                    continue
                exact = any(s == name or s.rsplit(".", 1)[-1] == last for s in chunk.symbols)
                boost = 0.2 if exact else 0.1
                if qualified and not _defines(chunk, name):
                    boost = 0.02  # the right method name on another class
                # an exact definition outranks anything fusion and the factors below can give
                scores[slot] = scores.get(slot, 0.0) + boost
        owners = {n for n in names if "." not in n}  # a dotted name is the symbol signal's
        if signals.members and owners:
            words = {w.lower() for w in _WORD.findall(query)}
            words -= {part.lower() for n in names for part in n.split(".")}
            owner_keys = {o.lower() for o in owners}
            for word in words:
                wanted = {f"{o}.{word}" for o in owner_keys}  # _defines, for every owner at once
                for slot in symbol_slots.get(word, ()):
                    chunk = chunks[slot]
                    if chunk is None:
                        continue
                    symbols, tails, suffixes = _lowered_symbols(chunk)
                    if not wanted.isdisjoint(suffixes) or (
                        word in symbols and not owner_keys.isdisjoint(tails)
                    ):
                        scores[slot] = scores.get(slot, 0.0) + 0.2
    if signals.exact:
        terms = exact_terms(query)
        if terms:
            for slot in list(scores):
                chunk = chunks[slot]
                if chunk is not None and all(t.lower() in chunk.text.lower() for t in terms):
                    scores[slot] += 0.1  # as strong as a named definition
    factors = _factor_table(signals)
    for slot in list(scores):
        chunk = chunks[slot]
        if chunk is None:
            del scores[slot]
            continue
        scores[slot] *= factors[chunk_traits(chunk)]
    return scores
