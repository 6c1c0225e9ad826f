"""Decoding with drafts from the context (`draft_tokens`) against one token a step, on the
embedded model: the same prompts, each arm in a fresh client. Greedy (default): the text
is compared too. `--temperature T`: both arms sample (drafts kept by speculative sampling),
so the texts differ and the speedup is the ratio of tokens per second.

Prompts: a whole file written back with a fix (what the files loop asks after failing
tests), the same file with a rename (nearly all copied), and new code from a description
(nothing to copy). Prints a table and writes benchmarks/results/lookup_decoding.json.

    python benchmarks/lookup_decoding.py [--draft N] [--max-tokens N] [--temperature T]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from reins.models.client import collect  # noqa: E402
from reins.models.local_llama import LocalLlamaClient  # noqa: E402
from reins.models.messages import Message  # noqa: E402

SOURCE = (Path(__file__).parents[1] / "src/reins/index/bm25.py").read_text("utf-8")
BUGGY = SOURCE.replace("self.total_length -= length", "self.total_length += length")
SYSTEM = "You are a coding assistant. Reply with the whole file in one ```python block."
PROMPTS = {
    "fix (whole file back)": (
        f"bm25.py:\n```python\n{BUGGY}\n```\nThe test fails: after remove(), total_length "
        "is larger than before add(). Fix the bug and write the whole file."
    ),
    "rename (whole file back)": (
        f"bm25.py:\n```python\n{SOURCE}\n```\nRename the class BM25 to OkapiIndex and "
        "write the whole file."
    ),
    "new code": (
        "Write a Python module `durations.py` with a function parse_duration(text) that "
        "turns ISO-8601 durations such as P3DT4H5M or PT90S into seconds (an int), raising "
        "ValueError on anything else, and a small LRU cache class with get and put."
    ),
}


async def one(prompt: str, draft: int, max_tokens: int, temperature: float) -> dict:
    client = LocalLlamaClient("qwen2.5-coder-1.5b", n_ctx=8192, temperature=temperature,
                              draft_tokens=draft, max_output_tokens=max_tokens)  # fmt: skip
    client.load()
    client._llm.reset()  # every arm evaluates its prompt from an empty cache
    start = time.perf_counter()
    try:
        reply = await collect(client.stream([Message("system", SYSTEM), Message("user", prompt)],
                                            prefill="```python\n"))  # fmt: skip
    finally:
        await client.close()
    stats = reply.stats
    return {
        "text": reply.message.content,
        "tokens_out": reply.usage.output_tokens,
        "generation_s": stats["generation_s"],
        "tok_s": stats["generation_tok_s"],
        "wall_s": time.perf_counter() - start,
        "kept": f"{stats['draft_accepted']:.0f}/{stats['draft_tokens']:.0f}"
        if "draft_tokens" in stats
        else "-",
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draft", type=int, default=3, help="draft tokens per step (default 3)")
    parser.add_argument("--max-tokens", type=int, default=400)
    parser.add_argument("--temperature", type=float, default=0.0,
                        help="0: greedy (default); above 0: both arms sample")  # fmt: skip
    args = parser.parse_args()
    greedy = args.temperature == 0
    rows = []
    for name, prompt in PROMPTS.items():
        plain = await one(prompt, 0, args.max_tokens, args.temperature)
        drafted = await one(prompt, args.draft, args.max_tokens, args.temperature)
        speedup = (plain["generation_s"] / max(drafted["generation_s"], 1e-9) if greedy
                   else drafted["tok_s"] / max(plain["tok_s"], 1e-9))  # fmt: skip
        rows.append({
            "prompt": name,
            "tokens out": f"{plain['tokens_out']}" if greedy
            else f"{plain['tokens_out']} / {drafted['tokens_out']}",
            "one a step tok/s": plain["tok_s"],
            "drafts tok/s": drafted["tok_s"],
            "speedup (generation)": speedup,
            "drafts kept": drafted["kept"],
            "same text": plain["text"] == drafted["text"] if greedy else "n/a (sampled)",
        })  # fmt: skip
    how = "greedy" if greedy else f"sampled at {args.temperature}"
    name = "lookup_decoding" if greedy else "lookup_decoding_sampled"
    report(name, f"Embedded Qwen2.5-Coder-1.5B, {how}: {args.draft} draft tokens a step vs "
           "one token", rows)  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
