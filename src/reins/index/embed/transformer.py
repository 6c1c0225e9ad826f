"""all-MiniLM-L6-v2 run whole on every chunk (`[index] embeddings = "minilm"`): the model the
static table was distilled from, read from the weights reins already ships.

On the human-style queries (benchmarks/search_human.py) it ranks far better than the static
table: hybrid NDCG@10 0.592 against 0.551 (0.598 on 2026-12-04's machine, as with float
weights; its dense side alone 0.500 against 0.395), because a transformer reads a chunk's
words in context. The price is indexing: 90 chunks a second on two shared cores against
the table's 1,982, and a search takes 5.8 ms against 1.4 (p50; benchmarks/search.py
--compare-models, six projects, 2026-12-03, int8 weights: float ones took 9.7 ms against
6.4 paired), so a minute for a 1,000-file project and many minutes for django, once;
vectors are cached by chunk content, so later only changed chunks cost. Hence, by default
(`embeddings = "auto"`), the table first and this model filled in at idle priority by
index/upgrade.py.
"""

from __future__ import annotations

import numpy as np

from reins.index.tokens import plain_words

# A chunk's first 128 WordPiece tokens: its signature, docstring and first lines. Measured
# at 128 (256 costs 2.5x the time; not measured better).
MAX_TOKENS = 128


class TransformerEmbedder:
    """Text → unit vector: identifiers split into words, the whole MiniLM, mean pooling."""

    name = "minilm-l6-128-int8-v1"  # int8 weights since 2026-12-03 (v1: float)
    dims = 384
    # Its share in the fusion with BM25 (lexical 1.0), measured with float weights: 1.0 best
    # (0.598; 0.75: 0.595; 0.5: 0.582), where the static table's weaker ranking is best at 0.5.
    dense_weight = 1.0
    # The cosine that makes a real match (Hit.match), for this model's scale: just above
    # the best cosine any of 18 off-topic queries reached in the five repositories (0.354,
    # float weights; with int8 ones the line still calls 97.8% of them no good match).
    good_similarity = 0.36
    # Changed chunks the index server embeds before answering a query (the table: 2,000):
    # a few seconds' worth; beyond that the answer uses the vectors it has.
    query_waits_for = 32
    # A query's embedding takes 2-3 ms: the index scores the lexical side on a worker thread
    # meanwhile (CodeIndex.search).
    overlap_query = True
    batch = 64  # chunks a progress step (and a Ctrl-C's loss at most): a few seconds' worth

    def __init__(self) -> None:
        from reins.index.embed.minilm import MiniLM

        self.model = MiniLM()

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.model.embed([plain_words(t) for t in texts], max_tokens=MAX_TOKENS)
