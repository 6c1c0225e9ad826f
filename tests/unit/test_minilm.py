"""The whole MiniLM run by onnxruntime from a graph reins builds itself (index/embed/minilm_graph)."""

from __future__ import annotations

import numpy as np
import pytest

from reins.index.embed import minilm

pytest.importorskip("onnxruntime")
try:
    minilm.model_dir()
except minilm.EmbeddingModelMissing:
    pytest.skip("the MiniLM wheel is not installed", allow_module_level=True)

QUERY = "where do we retry failed uploads"
CODE = "def retry_upload(path, attempts=3):"
# all-MiniLM-L6-v2's first six dimensions for these texts and their cosine, as the numpy
# forward pass that the graph replaced computed them (which followed the BERT reference
# layer by layer): a wrong weight, transpose or mask in the graph moves these by far more.
EXPECTED = np.array([[-0.030028, -0.055779, 0.019364, -0.023355, 0.050346, -0.001849],
                     [-0.038392, -0.028801, 0.009453, -0.011947, 0.015127, -0.054741]])  # fmt: skip
EXPECTED_COSINE = 0.745600


@pytest.fixture(scope="module")
def model():
    return minilm.MiniLM(int8=False)  # the float graph: the reference vectors hold exactly


@pytest.fixture(scope="module")
def int8():
    return minilm.MiniLM()  # what reins runs


def test_the_graph_computes_the_reference_vectors(model):
    vectors = model.embed([QUERY, CODE])
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(vectors[:, :6], EXPECTED, atol=2e-6)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(EXPECTED_COSINE, abs=1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_batch_of_mixed_lengths_gives_each_text_its_own_vector(model):
    """Padding and the length-sorted batches change nothing: order kept, masks applied."""
    long = " ".join(["the upload is retried with exponential backoff"] * 20)
    texts = [long, QUERY, "x", CODE, long + " and a jitter"]
    together = model.embed(texts, batch=2)
    alone = np.concatenate([model.embed([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together[1, :6], EXPECTED[0], atol=2e-6)


def test_a_corrupt_cached_graph_is_rebuilt(model, tmp_path, monkeypatch):
    monkeypatch.setenv("REINS_CACHE_DIR", str(tmp_path))
    fresh = minilm.MiniLM(int8=False)  # builds and caches the graph in the empty cache
    (cached,) = (tmp_path / "embeddings").glob("minilm-*.onnx")
    cached.write_bytes(b"not a model")
    rebuilt = minilm.MiniLM(int8=False)
    np.testing.assert_allclose(rebuilt.embed([QUERY])[0, :6], EXPECTED[0], atol=2e-6)
    assert cached.stat().st_size > 50_000_000  # written again, whole
    np.testing.assert_allclose(fresh.embed([CODE]), rebuilt.embed([CODE]), atol=1e-6)


def test_the_cached_graph_is_reused_and_replaces_older_ones(model, tmp_path, monkeypatch):
    from reins.index.embed import minilm_graph

    monkeypatch.setenv("REINS_CACHE_DIR", str(tmp_path))
    stale = tmp_path / "embeddings" / "minilm-1-123-456.onnx"  # another version's graph
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    minilm.MiniLM(int8=False)
    minilm.MiniLM()  # the int8 graph of the same weights: both kept
    assert not stale.exists()
    assert len(list(stale.parent.glob("minilm-*.onnx"))) == 2

    def no_build(*args, **kwargs):
        raise AssertionError("the cached graph was not used")

    monkeypatch.setattr(minilm_graph, "build", no_build)
    again = minilm.MiniLM(int8=False)
    np.testing.assert_allclose(again.embed([QUERY])[0, :6], EXPECTED[0], atol=2e-6)


def test_an_unwritable_cache_costs_a_rebuild_not_the_embedder(model, tmp_path, monkeypatch):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("REINS_CACHE_DIR", str(blocked))
    works = minilm.MiniLM(int8=False)
    np.testing.assert_allclose(works.embed([QUERY])[0, :6], EXPECTED[0], atol=2e-6)
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]  # no temporary file left


def test_the_int8_graph_stays_close_to_the_float_one(model, int8):
    """int8 weights move each vector a little (cosine >= 0.98 with the float one) and keep
    which text is nearer: a broken quantization (a wrong scale or axis) scatters them."""
    texts = [
        QUERY,
        CODE,
        "draw the table borders",
        "class SessionStore:\n    def expire(self, token):",
        " ".join(["the upload is retried with exponential backoff"] * 20),
    ]
    exact, quantized = model.embed(texts), int8.embed(texts)
    cosines = (exact * quantized).sum(axis=1)
    assert cosines.min() >= 0.98, cosines
    np.testing.assert_allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-5)
    assert float(quantized[0] @ quantized[1]) == pytest.approx(EXPECTED_COSINE, abs=0.03)
    assert quantized[0] @ quantized[1] > quantized[0] @ quantized[2]
