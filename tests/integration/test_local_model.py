"""The embedded models for real: llama.cpp in-process, KV reuse, the text protocol end to end."""

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reins.agent.builder import open_session
from reins.agent.store_writer import load_history
from reins.config import Config
from reins.models.client import collect
from reins.models.local_llama import LocalLlamaClient
from reins.models.messages import Message
from tests.conftest import make_repo

pytest.importorskip("llama_cpp")


@pytest.fixture(scope="module")
def smollm():
    client = LocalLlamaClient("smollm2-135m", n_ctx=2048, max_output_tokens=24, temperature=0.0)
    client.load()
    yield client
    asyncio.run(client.close())


async def test_sessions_of_one_process_share_the_loaded_model_and_its_cache(smollm):
    other = LocalLlamaClient("smollm2-135m", n_ctx=2048, max_output_tokens=8, temperature=0.0)
    other.load()
    assert other._llm is smollm._llm  # no second copy of the weights
    prefix = [Message("system", "You are a terse assistant for a bench. " * 20)]
    await collect(smollm.stream([*prefix, Message("user", "Name a colour.")]))
    reply = await collect(other.stream([*prefix, Message("user", "Name a fruit.")]))
    assert reply.usage.cached_input_tokens > 100  # the shared system prompt was not evaluated
    await other.close()
    assert smollm._llm is not None  # one client's close leaves the model to the others
    server = LocalLlamaClient("smollm2-135m", n_ctx=2048, max_output_tokens=8, private=True)
    server.load()
    assert server._llm is not smollm._llm  # reins serve keeps its own cache
    await server.close()


async def test_streaming_and_kv_cache_reuse_across_turns(smollm):
    history = [Message("system", "You are terse."), Message("user", "Name a colour.")]
    deltas = []
    first = await collect(smollm.stream(history), on_text=deltas.append)
    assert first.message.content and "".join(deltas) == first.message.content
    assert first.usage.output_tokens > 0
    history += [first.message, Message("user", "Name another colour, please.")]
    second = await collect(smollm.stream(history))
    new_tokens = second.usage.input_tokens - first.usage.input_tokens
    evaluated = second.stats["prompt_eval_tokens"]
    assert evaluated <= new_tokens + 64, (evaluated, new_tokens)
    assert second.usage.cached_input_tokens >= first.usage.input_tokens - 8
    assert second.stats["prefill_tok_s"] > 0 and second.stats["generation_tok_s"] > 0


async def test_cancelling_generation_stops_quickly_and_frees_the_model(smollm):
    smollm.max_output_tokens = 1500
    history = [Message("user", "Count from 1 to 500, one number per line.")]
    streaming = asyncio.Event()
    task = asyncio.create_task(collect(smollm.stream(history), on_text=lambda _: streaming.set()))
    await asyncio.wait_for(streaming.wait(), 30)
    start = time.perf_counter()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    smollm.max_output_tokens = 8
    reply = await asyncio.wait_for(collect(smollm.stream([Message("user", "Hi")])), 30)
    assert time.perf_counter() - start < 10 and reply.usage.output_tokens <= 8


async def test_a_resample_draws_a_new_reply_and_a_plain_call_repeats(smollm):
    """A hook's resample (a call with its own temperature) must not redraw the reply it is
    replacing: every call is seeded, so it gets a seed of its own."""
    history = [Message("user", "Write one line of a poem about the sea.")]
    smollm.temperature = 1.0
    try:
        plain = [(await collect(smollm.stream(history))).message.content for _ in range(2)]
        hot = [(await collect(smollm.stream(history, temperature=1.0))).message.content
               for _ in range(3)]  # fmt: skip
    finally:
        smollm.temperature = 0.0
    assert plain[0] == plain[1]  # a run is repeatable
    assert len(set(hot)) > 1


def test_context_overflow_is_a_clear_provider_error(smollm):
    from reins.models.client import ProviderError

    huge = [Message("user", "word " * 5000)]
    with pytest.raises(
        ProviderError, match="the request .* does not fit the context window"
    ) as info:
        asyncio.run(collect(smollm.stream(huge)))
    assert "shorten it" in str(info.value) and "n_ctx = " in str(info.value)
    later = [Message("user", "hi"), Message("assistant", "hello"), Message("user", "word " * 5000)]
    with pytest.raises(ProviderError, match="the conversation .* start a new session"):
        asyncio.run(collect(smollm.stream(later)))


def test_qwen_reads_a_file_through_the_text_protocol(tmp_path):
    """`reins run --json` on the embedded Qwen, asked about a file (attached to the request
    by its default profile, so a question is answered, not turned into a rewrite)."""
    repo = make_repo(
        tmp_path / "r", {"config.py": "SECRET_CODE = 'violet-42'\n", "README.md": "# r\n"}
    )
    # Greedy decoding: this checks the protocol path, not sampling luck. At the profile's
    # 0.2 the sampled second reply depends on every prompt token, the temporary path
    # included, and on some paths the model "fixes" the value instead of reporting it.
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "reins" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[profiles.qwen-files]\ntemperature = 0.0\n")
    proc = subprocess.run(
        [sys.executable, "-m", "reins", "run",
         "What is the value of SECRET_CODE in config.py? Read the file, then finish with the value.",
         "--repo", str(repo), "--json", "--max-steps", "6"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "completed" and out["tool_calls"] >= 1
    assert "violet-42" in out["final_message"]


def test_demo_fixes_the_bundled_bug():
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "reins", "demo"], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "tests after (pass)" in proc.stdout
    assert time.perf_counter() - start < 300


async def test_qwen_session_abort_keeps_history_consistent(tmp_path, store):
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    session = open_session(repo, Config(), store, title="abort")
    task = asyncio.create_task(session.run("Explain this repository in detail."))
    await asyncio.sleep(4)
    task.cancel()
    outcome = await task
    assert outcome.status == "aborted"
    roles = [m.role for m in load_history(store, outcome.session_id)]
    assert roles[:2] == ["system", "user"]
    await session.close()


KV_CHILD = """
import asyncio, json, sys
from reins.models.client import collect
from reins.models.local_llama import LocalLlamaClient
from reins.models.messages import Message

async def main():
    client = LocalLlamaClient("smollm2-135m", n_ctx=2048, max_output_tokens=12, temperature=0.0)
    system = Message("system", "You answer questions about colours and fruit, briefly. " * 30)
    reply = await collect(client.stream([system, Message("user", sys.argv[1])]))
    print(json.dumps({"cached": reply.usage.cached_input_tokens, "input": reply.usage.input_tokens,
                      "content": reply.message.content}))
    await client.close()

asyncio.run(main())
"""


def _kv_child(cache: Path, question: str) -> dict:
    env = {**os.environ, "REINS_CACHE_DIR": str(cache)}
    models = Path(os.environ.get("REINS_CACHE_DIR", Path.home() / ".cache/reins")) / "models"
    (cache / "models").mkdir(parents=True, exist_ok=True)
    if models.is_dir() and not any((cache / "models").iterdir()):
        for gguf in models.iterdir():  # the assembled GGUFs, not copied again
            (cache / "models" / gguf.name).symlink_to(gguf)
    done = subprocess.run([sys.executable, "-c", KV_CHILD, question], env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_new_process_loads_the_system_prompt_an_earlier_one_saved(tmp_path):
    cache = tmp_path / "cache"
    first = _kv_child(cache, "Name a colour.")
    assert first["cached"] < 50  # nothing to reuse yet: the system message was evaluated
    saved = list((cache / "kv").glob("*.kv"))
    assert len(saved) == 1
    again = _kv_child(cache, "Name a colour.")
    # the system message came from disk, not prefill (up to an aligned boundary short of
    # the prompt's last kv_disk.TAIL tokens)
    assert again["cached"] > 250
    assert again["content"] == first["content"]  # the loaded state is the evaluated one
    other = _kv_child(cache, "Name a fruit.")  # another request, the same system message
    assert other["cached"] > 250
    assert len(list((cache / "kv").glob("*.kv"))) == 1
    saved[0].write_bytes(saved[0].read_bytes()[:5000])  # cut off: a lost entry, not an error
    broken = _kv_child(cache, "Name a colour.")
    assert broken["cached"] < 50 and broken["content"] == first["content"]


def test_a_cache_dir_that_cannot_hold_states_only_costs_the_prefill(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "kv").write_text("a file where the states' folder would go")
    reply = _kv_child(cache, "Name a colour.")
    assert reply["content"] and reply["cached"] < 50
    assert not list(cache.glob("*.tmp*"))


async def test_a_sessions_first_reply_does_not_depend_on_what_the_model_held(smollm):
    """llama.cpp's arithmetic for a token depends on the batch that computed it, so a
    session's first call reuses only aligned prefixes computed alike (kv_disk): the same
    prompt then gets the same reply after another task's prompt, after itself, or after a
    restart of the model's cache."""
    from reins.models import kv_disk

    system = Message("system", "You are a terse assistant. Answer in one short sentence. " * 12)
    task = [system, Message("user", "Which colour is the sky on a clear day?")]
    other = [system, Message("user", "Name three fruits that are yellow when ripe.")]

    async def first_reply(messages):
        client = LocalLlamaClient("smollm2-135m", n_ctx=2048, max_output_tokens=24,
                                  temperature=0.0)  # fmt: skip
        client.load()
        try:
            return await collect(client.stream(messages))
        finally:
            await client.close()

    smollm._llm.reset()
    from_empty = await first_reply(task)
    await first_reply(other)
    after_other = await first_reply(task)
    after_itself = await first_reply(task)
    texts = {r.message.content for r in (from_empty, after_other, after_itself)}
    assert len(texts) == 1, texts
    reused = [r.usage.cached_input_tokens for r in (after_other, after_itself)]
    assert all(n > 0 and n % kv_disk.ALIGN == 0 for n in reused), reused
    assert reused[1] >= reused[0]  # its own prompt: as much reused, up to the tail
    assert after_itself.stats["prompt_eval_tokens"] >= 1


async def test_greedy_drafts_from_the_context_give_the_same_reply_in_fewer_steps(smollm):
    """Prompt-lookup decoding (draft_tokens): a reply that copies its prompt takes the
    copied tokens several at a time, and the text is the greedy reply all the same; stop
    strings and the output cap hold as they do without drafts."""
    text = "\n".join(f"value_{i} = compute({i}, scale={i * 3})" for i in range(12))
    messages = [Message("system", "Repeat the user's text exactly."), Message("user", text)]

    async def reply(draft_tokens, **settings):
        settings = {"temperature": 0.0, **settings}
        client = LocalLlamaClient("smollm2-135m", n_ctx=2048, draft_tokens=draft_tokens,
                                  alternatives=True, **settings)  # fmt: skip
        client.load()
        try:
            deltas: list[str] = []
            done = await collect(
                client.stream(messages, prefill="value_0 ="), on_text=deltas.append
            )
            assert "".join(deltas) == done.message.content  # streamed as it is returned
            return done
        finally:
            await client.close()

    plain, drafted = await reply(0, max_output_tokens=80), await reply(3, max_output_tokens=80)
    assert drafted.message.content == plain.message.content
    assert drafted.usage.output_tokens == plain.usage.output_tokens == 80
    assert drafted.finish_reason == plain.finish_reason == "length"
    assert drafted.stats["draft_accepted"] >= 20, drafted.stats  # copied lines, kept
    assert "draft_tokens" not in plain.stats
    # a greedy reply says, per token, where it could as well have gone another way
    # (fork_rewrites): one alternative per written token, in order, after the prefill
    offsets = [at for at, _, _ in drafted.alternatives]
    assert len(offsets) == 80 and offsets == sorted(set(offsets))
    assert offsets[0] == len("value_0 =") and offsets[-1] < len(drafted.message.content)
    assert all(margin >= 0 for _, _, margin in drafted.alternatives)

    cut = await reply(3, max_output_tokens=80, extra_stop=["value_3"])
    assert cut.finish_reason == "stop"
    assert cut.message.content == plain.message.content.split("value_3")[0]
    assert max(at for at, _, _ in cut.alternatives) < len(cut.message.content)

    # sampled (a resample at 0.8): drafts kept by chance, the reply repeats with its seed
    hot = [await reply(3, max_output_tokens=80, temperature=0.8, seed=s) for s in (5, 5, 6)]
    assert hot[0].message.content == hot[1].message.content != hot[2].message.content
    assert all(r.usage.output_tokens > 0 for r in hot)
    assert hot[0].stats["draft_accepted"] >= 10, hot[0].stats  # copying is likely even hot
