"""The dense ranking of large indexes from a projection of their vectors: the float
ranking, from a third of the bytes."""

from __future__ import annotations

import numpy as np
import pytest

from reins.index import codebase, dense
from reins.index.codebase import CodeIndex
from reins.index.dense import ProjectedRows
from reins.index.ranking import top_k
from tests.conftest import make_repo


def unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def embedding_like_rows(n: int, dim: int = 384, factors: int = 48, seed: int = 0) -> np.ndarray:
    """Unit rows that, as a real model's, use a few directions more than the rest."""
    rng = np.random.default_rng(seed)
    rows = rng.standard_normal((n, factors)) @ rng.standard_normal((factors, dim))
    rows += 0.4 * np.sqrt(factors) * rng.standard_normal((n, dim)) + 2.0  # noise, an offset
    rows = rows.astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def indexed_functions(tmp_path, template: str, count: int):
    """A repository whose a.py holds `count` functions from `template`, indexed and embedded."""
    repo = make_repo(tmp_path / "r", {"a.py": "".join(template.format(i=i) for i in range(count))})
    index = CodeIndex.open(repo)
    index.refresh()
    index.embed_pending()
    return repo, index


def test_with_no_more_dimensions_than_directions_the_ranking_is_the_float_one():
    matrix = unit_rows(5000, 64)
    valid = np.ones(5000, bool)
    valid[::7] = False  # deleted chunks and chunks outside a path glob
    projected = ProjectedRows(matrix, len(matrix), np.ones(5000, bool))
    for seed in range(5):
        query = matrix[seed * 11] + 0.5 * unit_rows(1, 64, seed + 100)[0]
        query /= np.linalg.norm(query)
        assert projected.top(matrix, 5000, query, valid, 50) == top_k(matrix @ query, 50, valid)


def test_on_embedding_like_rows_the_projection_finds_the_float_top_k():
    matrix = embedding_like_rows(12_000)
    valid = np.ones(12_000, bool)
    valid[::5] = False
    projected = ProjectedRows(matrix, len(matrix), np.ones(12_000, bool))
    assert projected.basis.shape == (384, dense.DIMS)
    found = []
    for seed in range(20):
        query = matrix[seed * 97] + 0.3 * unit_rows(1, 384, seed + 100)[0]
        query /= np.linalg.norm(query)
        best = projected.top(matrix, 12_000, query, valid, 100)
        exact = top_k(matrix @ query, 100, valid)
        assert best == sorted(best, key=lambda row: -float(matrix[row] @ query))  # float order
        assert all(valid[best])
        found.append(len(set(best) & set(exact)) / 100)
    assert min(found) >= 0.97 and np.mean(found) >= 0.99


def test_rows_set_later_are_ranked_by_their_new_vector_and_unembedded_rows_by_none():
    matrix = embedding_like_rows(300)
    projected = ProjectedRows(matrix, 300, np.ones(300, bool))
    query = embedding_like_rows(1, seed=9)[0]
    grown = np.zeros((400, 384), np.float32)
    grown[:300] = matrix
    grown[350] = query  # a chunk embedded after the projection was made
    projected.set(350, query)
    valid = np.ones(420, bool)  # 20 chunks beyond both: added, not embedded yet
    valid[300:350] = False
    valid[351:400] = False
    full = np.zeros((420, 384), np.float32)
    full[:400] = grown
    best = projected.top(full, 420, query, valid, 5)
    assert best[0] == 350
    assert best == top_k(full @ query, 5, valid)


def test_a_large_index_searches_from_the_projection_with_the_same_hits(tmp_path, monkeypatch):
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
    assert index._projected is None  # small: the float product
    monkeypatch.setattr(codebase, "MIN_ROWS", 0)
    projected = [[(h.path, h.start_line, h.score) for h in index.search(q)] for q in queries]
    assert index._projected is not None
    assert projected == plain
    assert index.search("parse the upload header", path_glob="nowhere/*.py") == []
    index.close()


@pytest.mark.parametrize("min_rows", [0, dense.MIN_ROWS])
def test_a_search_after_new_files_and_before_their_vectors_still_answers(
    tmp_path, monkeypatch, min_rows
):
    monkeypatch.setattr(codebase, "MIN_ROWS", min_rows)
    repo, index = indexed_functions(tmp_path, "def alpha_{i}():\n    return {i}\n\n\n", 40)
    index.search("alpha")  # makes the projection when forced
    (repo / "b.py").write_text(
        "".join(f"def beta_{i}(x):\n    return x + {i}\n\n\n" for i in range(300))
    )
    index.refresh()  # 100 more chunks than vectors: the agent's search does not wait for them
    hits = index.search("beta adds x")
    assert hits and hits[0].path == "b.py"
    index.close()


def test_the_directions_are_fitted_again_for_a_new_space_and_for_twice_the_vectors(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(codebase, "MIN_ROWS", 0)
    repo, index = indexed_functions(tmp_path, "def alpha_{i}(x):\n    return x * {i}\n\n\n", 60)
    index.search("alpha times x")
    first = index._projected
    embedded = int(index.has_vector.sum())
    assert first is not None and first.fitted_on == embedded
    index.search("alpha")
    assert index._projected is first  # kept while the vectors are the same
    (repo / "b.py").write_text(
        "".join(f"def beta_{i}(x):\n    return x + {i}\n\n\n" for i in range(100))
    )
    index.refresh()
    index.embed_pending()
    hits = index.search("beta adds x")
    assert int(index.has_vector.sum()) > 2 * embedded
    assert index._projected is not first
    assert index._projected.fitted_on == int(index.has_vector.sum())
    assert hits and hits[0].path == "b.py"
    index._use_space("another model")
    assert index._projected is None  # the old directions mean nothing there
    index.close()


def test_a_vector_that_is_not_a_number_does_not_stop_the_ranking_of_the_others():
    matrix = embedding_like_rows(3000)
    matrix[17] = np.nan  # what a broken remote embedder could have stored
    valid = np.ones(3000, bool)
    projected = ProjectedRows(matrix, 3000, valid)
    query = matrix[5]
    best = projected.top(matrix, 3000, query, valid, 20)
    assert best[0] == 5
    assert set(best) - {17} <= set(top_k(np.nan_to_num(matrix @ query, nan=-1.0), 20, valid))
