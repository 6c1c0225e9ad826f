"""What the rankers see of a chunk: its index text (BM25 and the embedder) and its BM25 terms.

Its own module so that both the index (codebase) and the worker processes that chunk a
cold repo (parallel) use the one definition without importing each other.
"""

from __future__ import annotations

from reins.index.chunker import Chunk
from reins.index.tokens import code_tokens

# Names count twice for BM25: a definition's name is its best summary (+0.01 NDCG@10, measured).
SYMBOL_REPEAT = 2


def index_text(chunk: Chunk) -> str:
    """Where the code lives and what encloses it, then the code."""
    names = " ".join(chunk.symbols)
    return f"{chunk.path}\n{(names + chr(10)) * SYMBOL_REPEAT}{chunk.context}\n{chunk.text}"


def chunk_terms(chunk: Chunk) -> list[str]:
    """The BM25 terms of a chunk."""
    return code_tokens(index_text(chunk))
