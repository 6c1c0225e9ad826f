"""The dense ranking of a large index from a projection of its vectors.

A float32 matrix-vector product is bound by memory: django's 33,663 MiniLM vectors are
52 MB, 1.6 ms a query on two cores with warm caches, more once the query's own embedding
has been through them. Embeddings do not use their dimensions evenly (on django, MiniLM's
first 128 principal directions of 384 hold 88% of the variance), so each row is also kept
as its coordinates on those directions, a third of the bytes. The projection ranks, and
the best RESCORE × k rows are scored again exactly, so the ranking returned is the float
one of those candidates. On django they hold 99.9% of the exact float top 200 (MiniLM, 63
queries; the static table's 256-dimension vectors: 99.8%, 223 queries). This replaced an
int8 copy ranked by onnxruntime's integer matmul, which found as much but whose kernel is
slow on a one-column product (1.2-3.5 ms against 0.5-1.5 ms here), and which needed a
halved query scale on CPUs without VNNI. Below MIN_ROWS the float product is cheaper than
any of this, and no projection is made.
"""

from __future__ import annotations

import numpy as np

MIN_ROWS = 20_000
DIMS = 128
RESCORE = 4
FIT_SAMPLE = 8192  # rows the directions are fitted on: as good as all of them
BLOCK = 4096


class ProjectedRows:
    """Each row's coordinates on the principal directions of the rows it was fitted on,
    kept in step with the float matrix by `set`. Fitted again by its owner when the
    vectors change space or the rows it was fitted on are under half of those it holds."""

    def __init__(self, matrix: np.ndarray, size: int, fit_on: np.ndarray) -> None:
        rows = np.flatnonzero(fit_on[:size])
        dims = matrix.shape[1]
        if len(rows) > FIT_SAMPLE:  # evenly spread: chunks of one file sit side by side
            rows = rows[np.linspace(0, len(rows) - 1, FIT_SAMPLE).astype(np.int64)]
        self.fitted_on = int(np.count_nonzero(fit_on[:size]))
        sample = np.nan_to_num(matrix[rows])  # one bad vector must not stop every search
        self.mean = sample.mean(axis=0) if len(rows) else np.zeros(dims, np.float32)
        if len(rows) > 1 and dims > DIMS:
            # the covariance's eigenvectors: as the sample's SVD, in a tenth of the time
            centred = sample - self.mean
            _, vectors = np.linalg.eigh((centred.T @ centred).astype(np.float64))
            basis = vectors[:, ::-1][:, :DIMS]  # eigh: ascending eigenvalues
        else:  # as many directions as dimensions: a rotation would change nothing
            basis = np.eye(dims)
        self.basis = np.ascontiguousarray(basis, dtype=np.float32)
        self.mean = self.mean.astype(np.float32)
        self.coords = np.zeros((max(size, 1), self.basis.shape[1]), np.float32)
        for start in range(0, size, BLOCK):  # in blocks: whole-matrix temporaries were 50 MB
            end = min(start + BLOCK, size)
            self.coords[start:end] = self._project(matrix[start:end])

    def set(self, slot: int, vector: np.ndarray) -> None:
        if slot >= len(self.coords):
            self._grow(max(2 * len(self.coords), slot + 1))
        self.coords[slot] = self._project(vector[None, :])[0]

    def _project(self, vectors: np.ndarray) -> np.ndarray:
        return (vectors - self.mean) @ self.basis

    def _grow(self, capacity: int) -> None:
        coords = np.zeros((capacity, self.coords.shape[1]), np.float32)
        coords[: len(self.coords)] = self.coords
        self.coords = coords

    def top(
        self, matrix: np.ndarray, size: int, query: np.ndarray, valid: np.ndarray, k: int
    ) -> list[int]:
        """The k valid rows of matrix[:size] most similar to query, best first, by the exact
        float scores of the projection's best RESCORE × k."""
        if len(self.coords) < size:  # chunks added since, not embedded yet: never valid
            self._grow(size)
        # (row - mean)·P·Pᵀ·query: the row's score less mean·query, the same for every row
        approx = self.coords[:size] @ (query @ self.basis)
        candidates = np.sort(_best(approx, RESCORE * k, valid[:size]))  # ties: as top_k
        exact = matrix[candidates] @ query
        return candidates[np.argsort(-exact, kind="stable")[:k]].tolist()


def _best(scores: np.ndarray, k: int, valid: np.ndarray) -> np.ndarray:
    """The k best valid rows, in no order (scores is overwritten: it is the caller's own)."""
    k = min(k, int(np.count_nonzero(valid)))
    if k <= 0:
        return np.zeros(0, np.int64)
    np.copyto(scores, -np.inf, where=~valid)
    return np.argpartition(scores, len(scores) - k)[len(scores) - k :]
