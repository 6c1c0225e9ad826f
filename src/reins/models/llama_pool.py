"""The loaded llama.cpp model, kept between sessions of one process.

Loading takes a second or two, but the KV cache is worth far more: a bench, a rollout
worker or a long chat runs session after session with the same system prompt and tools,
and llama.cpp evaluates only the tokens after the longest prefix it already holds. So
the last model loaded stays loaded (one at a time: weights are large) and clients share
it; a client's close() lets go of it without freeing it. Loading another model, or
release(), frees it.
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reins.models.client import ProviderError


@dataclass
class LoadedModel:
    key: tuple[str, int, int]  # (path, n_ctx, n_threads)
    llm: Any
    formatter: Any
    eos_text: str
    lock: threading.Lock  # llama.cpp contexts are not thread-safe


_current: LoadedModel | None = None
_guard = threading.Lock()


@atexit.register
def _at_exit() -> None:
    release()  # before interpreter teardown, when llama.cpp's own cleanup can still run


def acquire(path: Path, n_ctx: int, n_threads: int) -> LoadedModel:
    """The model at `path` with this window and thread count, loading it if needed."""
    global _current
    key = (str(path), n_ctx, n_threads)
    with _guard:
        if _current is not None and _current.key == key:
            return _current
        _free(_current)
        _current = None
        _current = _load(path, n_ctx, n_threads)
        return _current


def load_private(path: Path, n_ctx: int, n_threads: int) -> LoadedModel:
    """A copy nobody else uses (free it with free()): a server's model, whose KV cache
    must serve its own clients and not be overwritten by the sessions of its process."""
    return _load(path, n_ctx, n_threads)


def free(model: LoadedModel) -> None:
    _free(model)


def release() -> None:
    """Free the loaded model now (it is freed at exit otherwise)."""
    global _current
    with _guard:
        _free(_current)
        _current = None


def _free(model: LoadedModel | None) -> None:
    """A generation still running (llama.cpp cannot be interrupted mid-prefill) keeps its
    model: then it is left to the garbage collector and process exit."""
    if model is None:
        return
    if model.lock.acquire(timeout=0.5):
        try:
            model.llm.close()
        finally:
            model.lock.release()


def _load(path: Path, n_ctx: int, n_threads: int) -> LoadedModel:
    try:
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter
    except ImportError as error:
        raise ProviderError(
            "llama-cpp-python is not installed; run ./dev setup (it builds it with the "
            "right CPU flags) or: pip install 'reins[local]'"
        ) from error
    llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_batch=512,
                verbose=False)  # fmt: skip
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        llm.close()
        raise ProviderError(f"{path.name} has no chat template in its metadata")
    eos = llm._model.token_get_text(llm.token_eos()) if llm.token_eos() != -1 else ""
    bos = llm._model.token_get_text(llm.token_bos()) if llm.token_bos() != -1 else ""
    formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
    return LoadedModel((str(path), n_ctx, n_threads), llm, formatter, eos, threading.Lock())
