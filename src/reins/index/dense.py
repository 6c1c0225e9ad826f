"""The dense ranking of a large index from an int8 copy of its vectors.

A float32 matrix-vector product is bound by memory: django's 33,663 MiniLM vectors are
52 MB, 2.5 ms a query on two cores. Each row is also kept as uint8 at its own scale, and
onnxruntime's integer matmul reads a quarter of the bytes (0.5 ms). Integer scores only
approximate the float ones, so the best RESCORE × k rows are scored again exactly in
float32, and the ranking returned is the float one (on random unit vectors the int8 top 200
holds 99% of the float top 200 before that re-scoring). Below MIN_ROWS the float product is
cheaper than the call into onnxruntime, and the copy is never made.
"""

from __future__ import annotations

import functools

import numpy as np

from reins.index.embed.minilm import session_options

MIN_ROWS = 20_000
# The query's int8 scale: ±63, not ±127. On CPUs without VNNI, onnxruntime's u8×s8 kernel
# adds pairs of products in int16 (AVX2 vpmaddubsw), which saturates above 32,767: with a
# ±127 query, 255 × 127 × 2 overflows and onnxruntime 1.32 returned wrong sums for up to a
# third of the rows (tests/unit/test_index_dense.py). 255 × 63 × 2 fits; the exact float
# re-scoring of the best RESCORE × k makes up for the lost bit.
QUERY_LEVEL = 63.0
RESCORE = 4
BLOCK = 4096


class QuantizedRows:
    """uint8 rows (round(v / scale) + 128) and each row's scale, kept in step with the
    float matrix by `set`; ranks with onnxruntime."""

    def __init__(self, matrix: np.ndarray, size: int) -> None:
        self.rows = np.zeros((0, matrix.shape[1]), np.uint8)
        self.scales = np.zeros(0, np.float32)
        self._grow(max(size, 1))
        for start in range(0, size, BLOCK):  # in blocks: whole-matrix temporaries were 100 MB
            end = min(start + BLOCK, size)
            self.rows[start:end], self.scales[start:end] = _quantize(matrix[start:end])

    def set(self, slot: int, vector: np.ndarray) -> None:
        if slot >= len(self.rows):
            self._grow(max(2 * len(self.rows), slot + 1))
        rows, scales = _quantize(vector[None, :])
        self.rows[slot], self.scales[slot] = rows[0], scales[0]

    def _grow(self, capacity: int) -> None:
        rows = np.full((capacity, self.rows.shape[1]), 128, np.uint8)  # 128: a zero vector
        rows[: len(self.rows)] = self.rows
        scales = np.zeros(capacity, np.float32)
        scales[: len(self.scales)] = self.scales
        self.rows, self.scales = rows, scales

    def top(
        self, matrix: np.ndarray, size: int, query: np.ndarray, valid: np.ndarray, k: int
    ) -> list[int]:
        """The k valid rows of matrix[:size] most similar to query, best first, by the exact
        float scores of the integer ranking's best RESCORE × k."""
        peak = float(np.abs(query).max())
        if peak == 0.0 or not valid.any():
            return []
        if len(self.rows) < size:  # chunks added since, not embedded yet: zero rows
            self._grow(size)
        q8 = np.round(query * (QUERY_LEVEL / peak)).astype(np.int8)
        raw = _session().run(None, {"rows": self.rows[:size], "query": q8[:, None]})[0].ravel()
        # rows hold r + 128: remove 128 × sum(q8) to leave r · q8, then undo each row's scale
        raw -= 128 * int(q8.astype(np.int64).sum())
        approx = raw.astype(np.float32)
        approx *= self.scales[:size]
        candidates = np.sort(_best(approx, RESCORE * k, valid))  # ties: as ranking.top_k
        exact = matrix[candidates] @ query
        return candidates[np.argsort(-exact, kind="stable")[:k]].tolist()


def _quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    peaks = np.abs(vectors).max(axis=1)
    scales = np.where(peaks > 0, peaks / 127.0, 1.0).astype(np.float32)
    rows = np.round(vectors / scales[:, None]).astype(np.int16) + 128
    return rows.astype(np.uint8), np.where(peaks > 0, scales, 0.0).astype(np.float32)


def _best(scores: np.ndarray, k: int, valid: np.ndarray) -> np.ndarray:
    """The k best valid rows, in no order (scores is overwritten: it is the caller's own)."""
    k = min(k, int(np.count_nonzero(valid)))
    if k <= 0:
        return np.zeros(0, np.int64)
    np.copyto(scores, -np.inf, where=~valid)
    return np.argpartition(scores, len(scores) - k)[len(scores) - k :]


# MatMulInteger(rows: uint8 [n, d], query: int8 [d, 1]) -> scores: int32 [n, 1], opset 13,
# IR version 8: what onnx.helper serializes for that one-node graph. Kept as bytes since
# importing onnx costs 1.4 s (tests/unit/test_index_dense.py builds it again and compares).
GRAPH = (
    b'\x08\x08:\x81\x01\n$\n\x04rows\n\x05query\x12\x06scores"\rMatMulInteger\x12\n'
    b"dense_int8Z\x18\n\x04rows\x12\x10\n\x0e\x08\x02\x12\n\n\x03\x12\x01n\n\x03\x12\x01dZ\x18\n"
    b"\x05query\x12\x0f\n\r\x08\x03\x12\t\n\x03\x12\x01d\n\x02\x08\x01b\x19\n\x06scores\x12\x0f"
    b"\n\r\x08\x06\x12\t\n\x03\x12\x01n\n\x02\x08\x01B\x04\n\x00\x10\r"
)


@functools.cache
def _session():
    import onnxruntime

    return onnxruntime.InferenceSession(
        GRAPH, session_options(onnxruntime), providers=["CPUExecutionProvider"]
    )
