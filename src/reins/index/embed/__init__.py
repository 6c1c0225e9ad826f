"""Embedding models for the dense side of codebase search: a unit vector per text."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str  # identifies the vector space: cached vectors are only reused under the same name

    def embed(self, texts: list[str]) -> np.ndarray: ...


# What an embedder may set, each measured for its own model (getattr with these defaults):
DENSE_WEIGHT = 0.5  # `dense_weight`: the dense ranking's share in the fusion (BM25: 1.0)
GOOD_SIMILARITY = 0.35  # `good_similarity`: the cosine that makes a real match (Hit.match)
