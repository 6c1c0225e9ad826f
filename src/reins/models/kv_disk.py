"""The embedded model's system prompt, prefilled once per machine instead of once per process.

At 30-45 tokens/s of prefill on 2 cores, the ~1,300-token system prompt of the small-model
profiles costs 20-40 s before every `reins run` or `reins demo` does anything. llama.cpp
can hand over its KV cache as bytes, so after a process prefills a system message it
saves that state to the cache dir; the next process loads it (about 40 MB, well under a
second) and llama.cpp then evaluates only what differs. A state is only a cache: one that
does not load (another llama.cpp build, a cut-off file) is deleted and the prompt is
prefilled as before.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import struct
from pathlib import Path
from typing import Any

MAGIC = b"REINSKV2"  # v2: states end on an ALIGN boundary, computed as repeatable_prefix says
MIN_REUSE = 256  # tokens: below this a load saves less than it costs
KEEP = 3  # states per model (each about 28 KB per token for Qwen2.5-Coder-1.5B)
# llama.cpp's CPU matrix products take a batch's token rows four at a time and the rows
# left over one by one, and a batch of under 8 tokens all one by one, each with its own
# rounding. So a token's numbers depend on the batch that computed it: the same prompt,
# evaluated after another prompt's prefix or after its own, gave other logits and greedy
# decoding another reply (4 of 16 tasks in an A/A bench). A session's first prompt is
# therefore evaluated in batches that start on multiples of ALIGN (a multiple of 4, with
# room for kernels that group more rows) and end on them, but for a last batch of at least
# TAIL tokens: then each token is computed as it would be from an empty model, whatever
# the model held before.
ALIGN = 16
TAIL = 32


def aligned(n: int) -> int:
    return max(0, n - n % ALIGN)


def repeatable_prefix(held: int, computed_alike: int, length: int) -> int:
    """How much of what the model holds a session's first prompt (`length` tokens) may
    reuse: the part of `held` computed in such batches (`computed_alike`), cut to an ALIGN
    boundary at least TAIL tokens before the prompt's end."""
    return aligned(min(held, computed_alike, length - TAIL))


def system_end(tokens: list[int], end_of_turn: int | None) -> int | None:
    """Where a saved state of the system message ends: the last ALIGN boundary before
    the first end-of-turn token."""
    if end_of_turn is None or end_of_turn not in tokens:
        return None
    return aligned(tokens.index(end_of_turn) + 1)


class SystemPromptStates:
    """Saved KV states of one model (file, context size, llama.cpp version) in `folder`."""

    def __init__(self, folder: Path, model_path: Path, n_ctx: int):
        import llama_cpp

        identity = f"{Path(model_path).resolve()}|{n_ctx}|{llama_cpp.__version__}"
        self.folder = folder
        self.key = hashlib.sha256(identity.encode()).hexdigest()[:16]

    def _files(self) -> list[Path]:
        try:
            return sorted(self.folder.glob(f"{self.key}-*.kv"), key=_mtime, reverse=True)
        except OSError:
            return []

    def restore(self, llm: Any, tokens: list[int]) -> int:
        """Load the saved state sharing the longest prefix with `tokens` (at least
        MIN_REUSE tokens) into `llm`; returns that prefix's length, 0 when none."""
        from llama_cpp import Llama

        best: tuple[int, Path, list[int]] | None = None
        for path in self._files():
            saved = _tokens(path)
            if saved is None:
                continue
            shared = Llama.longest_token_prefix(saved, tokens)
            if shared >= MIN_REUSE and (best is None or shared > best[0]):
                best = (shared, path, saved)
        if best is None:
            return 0
        shared, path, saved = best
        try:
            with open(path, "rb") as f:  # the state only: the header was read above
                f.seek(len(MAGIC) + 4 + 4 * len(saved))
                _load(llm, saved, f.read())
        except (OSError, RuntimeError, ValueError):
            _remove(path)
            llm.reset()
            return 0
        os.utime(path)  # recently used: kept longest
        return shared

    def save(self, llm: Any) -> None:
        """Save what `llm` holds now (a system message just evaluated)."""
        import llama_cpp

        tokens = [int(t) for t in llm.input_ids[: llm.n_tokens]]
        size = llama_cpp.llama_state_get_size(llm.ctx)
        buffer = (ctypes.c_uint8 * int(size))()
        used = llama_cpp.llama_state_get_data(llm.ctx, buffer, size)
        digest = hashlib.sha256(repr(tokens).encode()).hexdigest()[:16]
        path = self.folder / f"{self.key}-{digest}.kv"
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as out:
                out.write(MAGIC + struct.pack(f"<I{len(tokens)}i", len(tokens), *tokens))
                out.write(memoryview(buffer)[: int(used)])
            os.replace(tmp, path)
        except OSError:
            _remove(tmp)
            return  # a full or read-only disk: the next process prefills, as before
        for old in self._files()[KEEP:]:
            _remove(old)


def _load(llm: Any, tokens: list[int], state: bytes) -> None:
    import llama_cpp

    if not state or len(tokens) >= llm.n_ctx():
        raise ValueError("the saved state is empty or does not fit this context")
    buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
    if llama_cpp.llama_state_set_data(llm.ctx, buffer, len(state)) != len(state):
        raise RuntimeError("llama.cpp did not take the saved state")
    llm.input_ids[: len(tokens)] = tokens
    llm.n_tokens = len(tokens)


def _tokens(path: Path) -> list[int] | None:
    """The token ids a saved state holds. A file is MAGIC, the token count and ids
    (little-endian int32), then the state's bytes: plain data, not pickle, so nothing in
    the cache dir can run code."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(MAGIC) + 4)
            if head.startswith(MAGIC) and len(head) == len(MAGIC) + 4:
                (count,) = struct.unpack_from("<I", head, len(MAGIC))
                ids = f.read(4 * count)
                if len(ids) == 4 * count:
                    return list(struct.unpack(f"<{count}i", ids))
    except OSError:
        pass
    _remove(path)  # a cut-off or foreign file is only a lost cache entry
    return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
