"""Incremental Okapi BM25 over integer document slots, scored with numpy per query term."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

# Human-style NDCG@10 (benchmarks/search_human.py) moves by less than 0.01 over K1 0.9–2.0
# and B 0.3–0.75 (best 2.0/0.75: +0.006, within what one query set can tell apart).
K1 = 1.2
B = 0.75


class BM25:
    def __init__(self) -> None:
        self.postings: dict[str, dict[int, int]] = {}  # term → {slot: term frequency}
        self.lengths: dict[int, int] = {}
        self.total_length = 0
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # term → (slots, tfs)
        self._length_array = np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.lengths)

    def add(self, slot: int, tokens: list[str]) -> None:
        if slot in self.lengths:
            self.remove(slot)
        counts = Counter(tokens)
        postings = self.postings
        for term, tf in counts.items():
            docs = postings.get(term)
            if docs is None:
                postings[term] = {slot: tf}
            else:
                docs[slot] = tf
        if self._arrays:  # cached numpy postings of these terms are stale now
            for term in counts:
                self._arrays.pop(term, None)
        self.lengths[slot] = len(tokens)
        self.total_length += len(tokens)
        self._length_array = np.zeros(0, dtype=np.float32)

    def remove(self, slot: int, tokens: list[str] | None = None) -> None:
        length = self.lengths.pop(slot, None)
        if length is None:
            return
        self.total_length -= length
        terms = set(tokens) if tokens is not None else list(self.postings)
        for term in terms:
            docs = self.postings.get(term)
            if docs is not None and docs.pop(slot, None) is not None:
                self._arrays.pop(term, None)
                if not docs:
                    del self.postings[term]
        self._length_array = np.zeros(0, dtype=np.float32)

    def scores(self, terms: list[str], size: int) -> np.ndarray:
        """BM25 score for every slot < size (0 for slots without any query term)."""
        out = np.zeros(size, dtype=np.float32)
        n = len(self.lengths)
        if n == 0:
            return out
        lengths = self._lengths(size)
        avg = self.total_length / n or 1.0
        norm = K1 * (1 - B + B * lengths / avg)
        for term, weight in Counter(terms).items():
            docs = self.postings.get(term)
            if not docs:
                continue
            slots, tfs = self._postings(term, docs)
            idf = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            out[slots] += weight * idf * tfs * (K1 + 1) / (tfs + norm[slots])
        return out

    def posting_slots(self, term: str, docs: dict[int, int]) -> np.ndarray:
        """The slots holding `term` (`docs` is its postings), as a cached array."""
        return self._postings(term, docs)[0]

    def _postings(self, term: str, docs: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
        cached = self._arrays.get(term)
        if cached is None:
            cached = (np.fromiter(docs.keys(), np.int64, len(docs)),
                      np.fromiter(docs.values(), np.float32, len(docs)))  # fmt: skip
            self._arrays[term] = cached
        return cached

    def _lengths(self, size: int) -> np.ndarray:
        if len(self._length_array) != size:
            array = np.zeros(size, dtype=np.float32)
            for slot, length in self.lengths.items():
                if slot < size:
                    array[slot] = length
            self._length_array = array
        return self._length_array
