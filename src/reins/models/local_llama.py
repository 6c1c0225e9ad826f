"""local:NAME — the embedded model, in-process through llama-cpp-python.

The prompt is rendered with the GGUF's own chat template and passed as tokens; llama.cpp
keeps the KV cache of the previous call and only evaluates the tokens after the longest
common prefix, so a new turn costs its new tokens, not the whole history; a new process
loads the system message's KV state an earlier one saved (kv_disk).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import weakref
from collections.abc import AsyncIterator
from typing import Any

from reins.models import kv_disk, llama_pool
from reins.models.client import ProviderError
from reins.models.local_assets import Progress, cache_dir, resolve_local_model
from reins.models.lookup_decoding import Greedy, LookupDecoder, Sampled
from reins.models.messages import Message, ModelReply, ReplyDone, StreamEvent, TextDelta, Usage
from reins.models.repetition import loop_start, without_loop


class LocalLlamaClient:
    supports_native_tools = False
    supports_prefill = True

    def __init__(
        self,
        name: str,
        n_ctx: int = 16384,
        max_output_tokens: int | None = None,
        temperature: float | None = None,
        seed: int = 1234,
        n_threads: int | None = None,
        extra_stop: list[str] | None = None,
        private: bool = False,
        draft_tokens: int = 0,
        alternatives: bool = False,
        stop_loops: bool = True,
    ):
        self.name = name
        self.model = f"local:{name}"
        self.n_ctx = n_ctx
        self.max_output_tokens = max_output_tokens or 2048
        self.temperature = 0.2 if temperature is None else temperature
        self.seed = seed
        self._resamples = 0
        self.n_threads = n_threads or os.cpu_count() or 2
        self.extra_stop = list(extra_stop or [])
        self._llm: Any = None
        self.private = private  # a model of its own (reins serve), not the process's shared one
        # Greedy replies draft this many tokens from the context per step (lookup_decoding)
        self.draft_tokens = draft_tokens
        # Greedy replies record each token's second choice (ModelReply.alternatives): a
        # partial sort of the vocabulary per token (~2 ms), so only when a profile reads them
        self.alternatives = alternatives
        # A reply repeating a line over and over is stopped, one copy kept (repetition.py);
        # off for a served model: peers measured beside reins get the model as it is
        self.stop_loops = stop_loops
        self._own: llama_pool.LoadedModel | None = None
        self._path = None
        self._formatter: Any = None
        self._end_of_turn: int | None = None
        self._states: kv_disk.SystemPromptStates | None = None
        self._lock = threading.Lock()  # the loaded model's own lock, once loaded

    def ensure_weights(self, progress: Progress | None = None):
        """Find the GGUF, assembling it on first use (the slow part of a first run)."""
        if self._path is None:
            self._path = resolve_local_model(self.name, progress)
        return self._path

    def load(self) -> None:
        """Load the weights into memory (or take the process's loaded copy). Idempotent."""
        if self._llm is not None:
            return
        path = self.ensure_weights()
        if self.private:
            loaded = self._own = llama_pool.load_private(path, self.n_ctx, self.n_threads)
        else:
            loaded = llama_pool.acquire(path, self.n_ctx, self.n_threads)
        self._formatter, self._eos_text = loaded.formatter, loaded.eos_text
        self._lock = loaded.lock
        self._llm = loaded.llm
        end = loaded.llm.tokenize(self._eos_text.encode("utf-8"), add_bos=False, special=True)
        self._end_of_turn = end[0] if len(end) == 1 else None
        self._states = kv_disk.SystemPromptStates(cache_dir() / "kv", path, self.n_ctx)

    def render(self, messages: list[Message]) -> tuple[str, list[str]]:
        chat = []
        for m in messages:
            content = m.raw if (m.role == "assistant" and m.raw is not None) else m.content
            role = "user" if m.role == "tool" else m.role
            chat.append({"role": role, "content": content})
        response = self._formatter(messages=chat)
        stops = list(response.stop or []) if isinstance(response.stop, list) else [response.stop]
        stops = [s for s in stops if s] or [self._eos_text]
        return response.prompt, stops + self.extra_stop

    def tokenize(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=True, special=True)

    async def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        require_tool: bool = False,
        prefill: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncIterator[StreamEvent]:
        if self._llm is None:
            await asyncio.to_thread(self.load)
        prompt, stops = self.render(messages)
        prefill = prefill or ""
        prompt += prefill  # the reply starts here; the model continues it
        tokens = self.tokenize(prompt)
        budget = self.n_ctx - len(tokens)
        if budget < 64:
            first = sum(1 for m in messages if m.role == "assistant") == 0
            what = "the request" if first else "the conversation"
            fix = "shorten it" if first else "run /compact (chat) or start a new session"
            raise ProviderError(
                f"{self.model}: {what} ({len(tokens)} tokens with the system prompt) does not "
                f"fit the context window of {self.n_ctx} tokens; {fix}, or raise the window "
                f"in ~/.config/reins/config.toml: [profiles.NAME] n_ctx = {2 * self.n_ctx} "
                "(NAME: the profile `reins sessions show` names; more memory and time)",
                reason="bad_request",
            )
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        stop_flag = threading.Event()
        thread = threading.Thread(
            target=self._generate,
            args=(
                tokens,
                stops,
                min(self.max_output_tokens, budget, max_tokens or budget),
                loop,
                queue,
                stop_flag,
                self.temperature if temperature is None else temperature,
                self._seed_for(temperature),
            ),
            daemon=True,
        )
        thread.start()
        text: list[str] = [prefill] if prefill else []
        if prefill:
            yield TextDelta(prefill)  # the reply starts with it, as far as anyone can tell
        generated, looped = "", False
        try:
            while True:
                kind, value = await queue.get()
                if kind == "text":
                    text.append(value)
                    yield TextDelta(value)
                    generated += value
                    if (
                        self.stop_loops and "\n" in value and not looped
                        and loop_start(generated) is not None
                    ):  # fmt: skip
                        looped = True  # stuck repeating itself: the thread stops at the next piece
                        stop_flag.set()
                elif kind == "error":
                    raise ProviderError(f"{self.model}: generation failed: {value}")
                else:
                    stats, finish, n_out, forks = value
                    break
        finally:
            stop_flag.set()  # a cancelled turn stops generating at the next token
        content = "".join(text)
        if looped:  # one copy of the repeated lines stays; the rest was the loop
            content, finish = prefill + without_loop(generated), "repetition"
        message = Message("assistant", content, raw=content)
        cached = len(tokens) - int(stats["prompt_eval_tokens"])
        usage = Usage(len(tokens), n_out, cached_input_tokens=max(0, cached))
        reply = ModelReply(message, usage, self.model, finish, stats)
        reply.alternatives = _alternatives(content[len(prefill) :], forks, len(prefill))
        yield ReplyDone(reply)

    def _seed_for(self, temperature: float | None) -> int:
        """The profile's calls all use the client's seed (a run is repeatable). A call that
        sets its own temperature is a resample of a reply that went wrong: with the same seed
        it would draw the same reply again from the same prompt, so each gets a new one."""
        if temperature is None:
            return self.seed
        self._resamples += 1
        return self.seed + self._resamples

    def _generate(self, tokens, stops, max_tokens, loop, queue, stop_flag, temperature,
                  seed) -> None:  # fmt: skip
        def emit(kind: str, value: Any) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, (kind, value))
            except RuntimeError:  # the loop is closed: nobody listens, stop generating
                stop_flag.set()

        with self._lock:
            try:
                start = time.perf_counter()
                prefix = self._reusable_prefix(tokens)
                evaluated = len(tokens) - min(prefix, len(tokens) - 1)
                first_at = None
                if self.draft_tokens > 0:
                    choice = Greedy() if temperature == 0 else Sampled(temperature, seed)
                    decoder: Any = LookupDecoder(
                        self._llm, self.draft_tokens, choice, forks=self.alternatives
                    )
                    pieces = decoder.run(tokens, stops, max_tokens, stop_flag)
                else:
                    decoder = SampledCompletion(self._llm, temperature, seed)
                    pieces = decoder.run(tokens, stops, max_tokens)
                finish = None
                for piece in pieces:
                    if first_at is None:
                        first_at = time.perf_counter()
                    if piece:
                        emit("text", piece)
                    if stop_flag.is_set():
                        finish = "aborted"
                        break
                n_out, finish = decoder.n_out, finish or decoder.finish
                end = time.perf_counter()
                first_at = first_at or end
                stats = {
                    "prompt_eval_tokens": float(evaluated),
                    "prefill_s": first_at - start,
                    "generation_s": end - first_at,
                    "prefill_tok_s": evaluated / max(first_at - start, 1e-9),
                    "generation_tok_s": max(n_out - 1, 0) / max(end - first_at, 1e-9),
                    "latency_s": end - start,
                }
                if isinstance(decoder, LookupDecoder):
                    stats["draft_tokens"] = float(decoder.drafted)
                    stats["draft_accepted"] = float(decoder.accepted)
                forks = decoder.forks if isinstance(decoder, LookupDecoder) else []
                emit("done", (stats, finish, n_out, forks))
            except Exception as error:  # surfaced to the loop as a ProviderError
                emit("error", f"{type(error).__name__}: {error}")

    def _reusable_prefix(self, tokens: list[int]) -> int:
        """How many of `tokens` the model holds without evaluating them: what this process
        holds, or a system message saved by an earlier process (kv_disk). When neither
        covers the system message, it is evaluated now and saved for the next process.
        A session's first call (the model last served another client, or none) reuses only
        what makes its numbers the same as from an empty model (kv_disk.repeatable_prefix):
        a bench's arms then decode a task's first reply alike."""
        from llama_cpp import Llama

        llm = self._llm
        held = Llama.longest_token_prefix(llm._input_ids.tolist(), tokens)
        last = getattr(llm, "reins_client", None)
        if last is not None and last() is self:  # our own history: reuse all of it
            llm.reins_alike = min(getattr(llm, "reins_alike", 0), max(held - 1, 0))
            return held
        llm.reins_client = weakref.ref(self)
        held = kv_disk.repeatable_prefix(held, getattr(llm, "reins_alike", 0), len(tokens))
        llm.n_tokens = min(llm.n_tokens, held)  # create_completion reuses no more than this
        stop = kv_disk.aligned(len(tokens) - kv_disk.TAIL)  # the tail's start
        end = kv_disk.system_end(tokens, self._end_of_turn)
        end = None if end is None else min(end, stop)
        if self._states is not None and end is not None and end - held >= kv_disk.MIN_REUSE:
            restored = self._states.restore(llm, tokens) if held < kv_disk.MIN_REUSE else 0
            if restored > held:  # saved states are computed alike up to their end
                held = kv_disk.repeatable_prefix(restored, restored, len(tokens))
            else:  # a state that failed to load leaves the model reset: nothing held then
                held = min(held, llm.n_tokens)
            llm.n_tokens = held  # eval() drops what the model held past this
            if end - held >= kv_disk.MIN_REUSE:
                llm.eval(tokens[held:end])
                self._states.save(llm)
        # Up to the last TAIL tokens in aligned batches here; create_completion evaluates
        # the tail in one (kv_disk says why). What is evaluated now is this call's work.
        if stop > llm.n_tokens:
            llm.eval(tokens[llm.n_tokens : stop])
        llm.reins_alike = kv_disk.aligned(len(tokens))
        return held

    async def close(self) -> None:
        """Let go of the model; a shared one stays loaded for the next session of this
        process (see llama_pool: its KV cache makes that session's shared prefix free), a
        private one is freed."""
        self._llm = None
        own, self._own = self._own, None
        if own is not None:
            await asyncio.to_thread(llama_pool.free, own)


class SampledCompletion:
    """A reply from llama-cpp-python's own sampler, one piece of text per token ("" while
    a possible stop string is held back); then `finish` and `n_out`, as LookupDecoder."""

    def __init__(self, llm: Any, temperature: float, seed: int) -> None:
        self.llm, self.temperature, self.seed = llm, temperature, seed
        self.finish: str | None = None
        self.n_out = 0

    def run(self, tokens: list[int], stops: list[str], max_tokens: int):
        chunks = self.llm.create_completion(
            prompt=tokens,
            max_tokens=max_tokens,
            temperature=self.temperature,
            seed=self.seed,  # per call: the shared model's sampler has no memory
            stop=stops,
            stream=True,
        )
        for chunk in chunks:
            choice = chunk["choices"][0]
            self.finish = choice.get("finish_reason") or self.finish
            if not choice.get("text") and self.finish is not None:
                continue  # the closing chunk carries only the finish reason
            self.n_out += 1
            yield choice.get("text") or ""


def _alternatives(
    generated: str, forks: list[tuple[int, bytes, float]], offset: int
) -> list[tuple[int, str, float]]:
    """The decoder's forks (byte offsets in the generated text) as the reply's
    alternatives: character offsets in the whole reply (after `offset` characters of
    prefill), for the tokens that made it into the text (not past a stop string)."""
    data = generated.encode("utf-8")
    return [
        (offset + len(data[:at].decode("utf-8", errors="ignore")),
         other.decode("utf-8", errors="ignore"), margin)
        for at, other, margin in forks if at < len(data)
    ]  # fmt: skip
