"""Greedy decoding that drafts its next tokens from the context (prompt lookup) and checks
them in one batch.

A coding model's reply copies much of its prompt: a file written back whole with a few lines
changed, a signature from the stub, a name from the traceback. On two CPU cores llama.cpp
decodes one token in about 120 ms and four in one batch in about 220 ms, so when the last
NGRAM tokens also occur earlier in the context, the tokens that followed them there are
proposed as a draft and decoded together with the next token. The model's own greedy choice
at each position decides how much of the draft is kept, so the text is the model's greedy
reply; only the batch sizes differ from one token at a time (llama.cpp's sums may then
differ in the last bits, as they do between any two batch splits). Measured on a whole-file
rewrite (400 tokens): 297 of 312 drafted tokens kept, generation 1.6x faster, the same text;
on new code (no file to copy) 76 of 141 kept, about as fast as without drafts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

NGRAM = 3  # how many of the last tokens must recur earlier in the context to draft from it


class LookupDecoder:
    """One greedy reply of `llm` (a llama_cpp.Llama) to `tokens`, as text deltas; after the
    iteration `finish` ("stop", "length" or "aborted"), `n_out`, `drafted` and `accepted`
    say how it went. The caller holds the model's lock and has evaluated what it reuses."""

    def __init__(self, llm: Any, draft_tokens: int) -> None:
        self.llm = llm
        self.draft_tokens = draft_tokens
        self.finish = "length"
        self.n_out = 0
        self.drafted = 0
        self.accepted = 0

    def run(
        self, tokens: list[int], stops: list[str], max_tokens: int, stop_flag: threading.Event
    ) -> Iterator[str]:
        import llama_cpp
        from llama_cpp import Llama

        llm = self.llm
        vocab = llm._model.vocab
        n_vocab = llm.n_vocab()
        # What create_completion does with the prompt: reuse the held prefix, evaluate the
        # rest (at least the last token) in n_batch pieces; the last one's logits pick.
        prefix = min(Llama.longest_token_prefix(llm._input_ids.tolist(), tokens), len(tokens) - 1)
        llm.n_tokens = prefix
        llm.eval(tokens[prefix:])
        logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(n_vocab,))
        following = int(np.argmax(logits))

        context = list(tokens)
        seen: dict[tuple[int, ...], int] = {}  # n-gram → where the most recent one ended
        for end in range(NGRAM, len(context)):
            seen[tuple(context[end - NGRAM : end])] = end
        stop_bytes = [s.encode("utf-8") for s in stops if s]
        text = b""
        sent = 0  # bytes of `text` already yielded
        while True:
            if llama_cpp.llama_vocab_is_eog(vocab, following):  # the end: nothing to decode
                self.finish = "stop"
                if len(text) > sent:
                    yield text[sent:].decode("utf-8", errors="ignore")
                return
            # `following` is the model's choice; draft what came after the last n-gram before
            draft: list[int] = []
            context.append(following)
            key = tuple(context[-NGRAM:])
            if len(context) > NGRAM:
                start = seen.get(key)
                if start is not None:
                    draft = context[start : start + self.draft_tokens]
                seen[key] = len(context)
            n_past = llm.n_tokens
            batch = [following, *draft[: max(llm.n_ctx() - n_past - 1, 0)]]  # the window's end
            draft = batch[1:]
            llm._batch.set_batch(batch=batch, n_past=n_past, logits_all=True)
            llm._ctx.decode(llm._batch)
            llm.input_ids[n_past : n_past + len(batch)] = batch
            rows = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(len(batch), n_vocab))
            choices = rows.argmax(axis=1).tolist()
            kept = 0
            while kept < len(draft) and choices[kept] == draft[kept]:
                kept += 1
            self.drafted += len(draft)
            self.accepted += kept
            llm.n_tokens = n_past + 1 + kept
            llm._ctx.kv_cache_seq_rm(-1, llm.n_tokens, -1)  # the rejected draft
            new = batch[: 1 + kept]
            for token in draft[:kept]:  # `following` is in the context already
                context.append(token)
                if len(context) > NGRAM:
                    seen[tuple(context[-NGRAM:])] = len(context)
            following = choices[kept]

            done = False
            for token in new:
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    self.finish, done = "stop", True
                    break
                text += llm.detokenize([token])
                self.n_out += 1
                if self.n_out >= max_tokens:
                    self.finish, done = "length", True
                    break
            cut = _first_stop(text, stop_bytes)
            if cut is not None:
                text, self.finish, done = text[:cut], "stop", True
            end = len(text) if done else len(text) - _held_back(text, stop_bytes)
            if end > sent:
                yield text[sent:end].decode("utf-8", errors="ignore")
                sent = end
            if done:
                return
            if stop_flag.is_set():
                self.finish = "aborted"
                return


def _first_stop(text: bytes, stops: list[bytes]) -> int | None:
    found = [i for i in (text.find(s) for s in stops) if i >= 0]
    return min(found) if found else None


def _held_back(text: bytes, stops: list[bytes]) -> int:
    """How many bytes at the end of `text` must wait: the start of a stop string, or an
    unfinished UTF-8 character."""
    held = 0
    for stop in stops:
        for size in range(min(len(stop) - 1, len(text)), held, -1):
            if text.endswith(stop[:size]):
                held = size
                break
    for back in range(1, min(4, len(text)) + 1):  # the last lead byte, if its char is cut
        byte = text[-back]
        if byte & 0xC0 == 0x80:
            continue  # a continuation byte: look further back
        width = (
            2
            if byte & 0xE0 == 0xC0
            else 3
            if byte & 0xF0 == 0xE0
            else 4
            if byte & 0xF8 == 0xF0
            else 1
        )
        if width > back:
            held = max(held, back)
        break
    return held
