"""Embedding models for the dense side of codebase search: a unit vector per text."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str  # identifies the vector space: cached vectors are only reused under the same name

    def embed(self, texts: list[str]) -> np.ndarray: ...
