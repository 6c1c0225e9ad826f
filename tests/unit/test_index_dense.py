"""The int8 dense ranking of large indexes: the float ranking, from a quarter of the bytes."""

from __future__ import annotations

import numpy as np
import pytest

from reins.index import codebase, dense
from reins.index.codebase import CodeIndex
from reins.index.dense import QuantizedRows
from reins.index.ranking import top_k
from tests.conftest import make_repo


def unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_the_int8_ranking_is_the_float_ranking_of_the_same_rows():
    matrix = unit_rows(5000, 64)
    valid = np.ones(5000, bool)
    valid[::7] = False  # deleted chunks and chunks outside a path glob
    quantized = QuantizedRows(matrix, len(matrix))
    for seed in range(5):
        query = matrix[seed * 11] + 0.5 * unit_rows(1, 64, seed + 100)[0]
        query /= np.linalg.norm(query)
        assert quantized.top(matrix, 5000, query, valid, 50) == top_k(matrix @ query, 50, valid)


def test_rows_set_later_are_ranked_by_their_new_vector_and_unembedded_rows_by_none():
    matrix = unit_rows(300, 32)
    quantized = QuantizedRows(matrix, 300)
    query = unit_rows(1, 32, seed=9)[0]
    grown = np.zeros((400, 32), np.float32)
    grown[:300] = matrix
    grown[350] = query  # a chunk embedded after the copy was made
    quantized.set(350, query)
    valid = np.ones(420, bool)  # 20 chunks beyond both: added, not embedded yet
    full = np.zeros((420, 32), np.float32)
    full[:400] = grown
    best = quantized.top(full, 420, query, valid, 5)
    assert best[0] == 350
    assert best == top_k(full @ query, 5, valid)


def test_a_large_index_searches_from_the_int8_copy_with_the_same_hits(tmp_path, monkeypatch):
    files = {
        f"pkg/mod{i}.py": "".join(
            f"def handler_{i}_{j}(request, retries={j}):\n"
            f"    '''Parse header {j} of the upload and retry {i} times.'''\n"
            f"    return request.headers.get('X-{i}-{j}') or retries\n\n\n"
            for j in range(8)
        )
        for i in range(30)
    }
    repo = make_repo(tmp_path / "r", files)
    index = CodeIndex.open(repo)
    index.refresh()
    index.embed_pending()
    queries = ["parse the upload header", "retry handler request", "handler_3_4", "X-7-2"]
    plain = [[(h.path, h.start_line, h.score) for h in index.search(q)] for q in queries]
    assert index._int8 is None  # small: the float product
    monkeypatch.setattr(codebase, "MIN_ROWS", 0)
    quantized = [[(h.path, h.start_line, h.score) for h in index.search(q)] for q in queries]
    assert index._int8 is not None
    assert quantized == plain
    assert index.search("parse the upload header", path_glob="nowhere/*.py") == []
    index.close()


@pytest.mark.parametrize("min_rows", [0, dense.MIN_ROWS])
def test_a_search_after_new_files_and_before_their_vectors_still_answers(
    tmp_path, monkeypatch, min_rows
):
    monkeypatch.setattr(codebase, "MIN_ROWS", min_rows)
    repo = make_repo(
        tmp_path / "r",
        {"a.py": "".join(f"def alpha_{i}():\n    return {i}\n\n\n" for i in range(40))},
    )
    index = CodeIndex.open(repo)
    index.refresh()
    index.embed_pending()
    index.search("alpha")  # builds the int8 copy when forced
    (repo / "b.py").write_text(
        "".join(f"def beta_{i}(x):\n    return x + {i}\n\n\n" for i in range(300))
    )
    index.refresh()  # 100 more chunks than vectors: the agent's search does not wait for them
    hits = index.search("beta adds x")
    assert hits and hits[0].path == "b.py"
    index.close()


def test_the_stored_graph_is_the_one_node_matmul_onnx_builds():
    from onnx import TensorProto, checker, helper

    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["rows", "query"], ["scores"])],
        "dense_int8",
        [
            helper.make_tensor_value_info("rows", TensorProto.UINT8, ["n", "d"]),
            helper.make_tensor_value_info("query", TensorProto.INT8, ["d", 1]),
        ],
        [helper.make_tensor_value_info("scores", TensorProto.INT32, ["n", 1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    checker.check_model(model)
    assert model.SerializeToString() == dense.GRAPH
