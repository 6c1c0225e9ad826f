"""`reins serve` for real: a uvicorn server on a free port, the official `openai` SDK as
the client. Streaming, tool calls both ways, one request at a time, hung-up clients."""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import openai
import pytest

from reins.models.client import ProviderError
from reins.models.messages import Message, ModelReply, ReplyDone, TextDelta, Usage
from reins.models.scripted import ScriptedClient
from reins.serve.app import BackgroundServer
from tests.conftest import write_script

BASH = {"type": "function", "function": {"name": "bash", "description": "Run a command",
        "parameters": {"type": "object", "properties": {"command": {"type": "string"}},
                       "required": ["command"]}}}  # fmt: skip


class Recording(ScriptedClient):
    """A scripted client that keeps what each request brought."""

    def __init__(self, path):
        super().__init__(path)
        self.requests = []

    async def stream(self, messages, tools=None, *, require_tool=False, prefill=None):
        self.requests.append((messages, tools, require_tool))
        async for event in super().stream(messages, tools, require_tool=require_tool):
            yield event


class SlowClient:
    """Replies "." every 50 ms for `sleep:N` seconds (from the last user message); counts
    how many generations run at once and how many were stopped half-way."""

    supports_native_tools = False
    supports_prefill = False

    def __init__(self):
        self.model = "slow"
        self.max_output_tokens = None
        self.temperature = None
        self.active = self.max_active = self.stopped = 0
        self.seen = []
        self.fail_with: ProviderError | None = None

    async def stream(self, messages, tools=None, *, require_tool=False, prefill=None):
        self.seen.append({"tools": tools, "max_tokens": self.max_output_tokens,
                          "temperature": self.temperature})  # fmt: skip
        seconds = float(re.search(r"sleep:([\d.]+)", messages[-1].content or "sleep:0")[1])
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        finished = False
        try:
            for _ in range(max(1, int(seconds / 0.05))):
                await asyncio.sleep(0.05)
                yield TextDelta(".")
            if self.fail_with is not None:
                raise self.fail_with
            finished = True
            yield ReplyDone(ModelReply(Message("assistant", "done"), Usage(10, 3), "slow", "stop"))
        finally:
            self.active -= 1
            if not finished:
                self.stopped += 1

    async def close(self):
        return None


def sdk(server, **kwargs):
    return openai.OpenAI(base_url=server.url, api_key="none", max_retries=0, **kwargs)


def user(text):
    return [{"role": "user", "content": text}]


def get(server, path):
    root = server.url.removesuffix("/v1")
    with urllib.request.urlopen(root + path, timeout=5) as response:
        return json.loads(response.read())


def test_completion_and_models(tmp_path):
    script = write_script(tmp_path / "t.jsonl", [{"content": "Hello there"}])
    with BackgroundServer(ScriptedClient(script)) as server:
        client = sdk(server)
        reply = client.chat.completions.create(model="anything", messages=user("hi"))
        assert reply.choices[0].message.content == "Hello there"
        assert reply.choices[0].finish_reason == "stop"
        assert reply.model == "scripted:t.jsonl"
        assert reply.usage.completion_tokens > 0 and reply.usage.total_tokens == (
            reply.usage.prompt_tokens + reply.usage.completion_tokens
        )
        (card,) = client.models.list().data
        assert card.id == "scripted:t.jsonl" and card.owned_by == "reins"
        assert get(server, "/health")["status"] == "ok"
        usage = get(server, "/reins/usage")
        assert (
            usage["requests"] == 1 and usage["completion_tokens"] == reply.usage.completion_tokens
        )


class Continuing:
    """A model that continues a started reply, as the local one does: its reply starts with
    the prefill, then adds " world" (or "fresh" when it was given none)."""

    supports_native_tools = False
    supports_prefill = True

    def __init__(self):
        self.model = "cont"
        self.seen = []

    async def stream(self, messages, tools=None, *, require_tool=False, prefill=None):
        self.seen.append(([m.role for m in messages], prefill))
        text = (prefill + " world") if prefill else "fresh"
        if prefill:
            yield TextDelta(prefill)
        yield TextDelta(text.removeprefix(prefill or ""))
        message = Message("assistant", text, raw=text)
        yield ReplyDone(ModelReply(message, Usage(5, 2), self.model, "stop"))

    async def close(self):
        pass


@pytest.mark.parametrize("stream", [False, True])
def test_a_last_assistant_message_is_continued_where_the_model_can(stream):
    from reins.models import served_model
    from reins.models.client import collect
    from reins.models.openai_client import OpenAIClient

    model = Continuing()
    with BackgroundServer(model) as server:
        asked = [*user("hi"), {"role": "assistant", "content": "Hello"}]
        reply = sdk(server).chat.completions.create(model="cont", messages=asked, stream=stream)
        text = ("".join(c.choices[0].delta.content or "" for c in reply if c.choices)
                if stream else reply.choices[0].message.content)  # fmt: skip
        assert text == " world"  # what the model added, as llama.cpp's server answers
        assert model.seen[-1] == (["user"], "Hello")
        (card,) = sdk(server).models.list().data
        assert card.model_extra["reins"]["prefill"] is True
        # reins' own client against it: the reply starts with the prefill, as a local one's
        served_model._served.cache_clear()
        client = OpenAIClient("cont", base_url=server.url)
        assert client.supports_prefill
        done = asyncio.run(collect(client.stream([Message("user", "hi")], prefill="Hello")))
        assert done.message.content == "Hello world" and model.seen[-1][1] == "Hello"


def test_a_server_whose_model_cannot_continue_says_so(tmp_path):
    from reins.models import served_model
    from reins.models.openai_client import OpenAIClient

    script = write_script(tmp_path / "t.jsonl", [{"content": "Hello there"}])
    with BackgroundServer(Recording(script)) as server:
        (card,) = sdk(server).models.list().data
        assert card.model_extra["reins"]["prefill"] is False
        served_model._served.cache_clear()
        assert not OpenAIClient("scripted:t.jsonl", base_url=server.url).supports_prefill
        asked = [*user("hi"), {"role": "assistant", "content": "Hel"}]
        sdk(server).chat.completions.create(model="x", messages=asked)
        ((messages, _, _),) = server.service.client.requests
        assert [m.role for m in messages] == ["user", "assistant"]  # passed on as history


def test_streaming_with_usage_ends_with_done(tmp_path):
    script = write_script(tmp_path / "t.jsonl", [{"content": "streamed reply"}] * 2)
    with BackgroundServer(ScriptedClient(script)) as server:
        chunks = list(sdk(server).chat.completions.create(
            model="m", messages=user("hi"), stream=True, stream_options={"include_usage": True}
        ))  # fmt: skip
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert text == "streamed reply"
        assert chunks[0].choices[0].delta.role == "assistant"
        finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
        assert finishes[-1] == "stop" and finishes.count("stop") == 1
        assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
        request = urllib.request.Request(
            server.url + "/chat/completions", method="POST",
            data=json.dumps({"model": "m", "messages": user("hi"), "stream": True}).encode(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            lines = [line for line in response.read().decode().splitlines() if line]
        assert lines[-1] == "data: [DONE]"
        assert all(line.startswith("data: ") for line in lines)


@pytest.mark.parametrize("stream", [False, True])
def test_tool_calls_round_trip(tmp_path, stream):
    script = write_script(tmp_path / "t.jsonl", [
        {"content": "Let me look.", "tool_calls": [{"name": "bash", "arguments": {"command": "ls"}}]},
        {"content": "There is one file."},
    ])  # fmt: skip
    model = Recording(script)
    with BackgroundServer(model) as server:
        client = sdk(server)
        messages = user("what files are there?")
        first = client.chat.completions.create(model="m", messages=messages, tools=[BASH],
                                               tool_choice="required", stream=stream)  # fmt: skip
        if stream:
            chunks = list(first)
            calls = [tc for c in chunks if c.choices for tc in c.choices[0].delta.tool_calls or []]
            finish = [c.choices[0].finish_reason for c in chunks if c.choices][-1]
            call_id, name, arguments = (
                calls[0].id,
                calls[0].function.name,
                calls[0].function.arguments,
            )
        else:
            (call,) = first.choices[0].message.tool_calls
            finish = first.choices[0].finish_reason
            call_id, name, arguments = call.id, call.function.name, call.function.arguments
        assert (
            finish == "tool_calls" and name == "bash" and json.loads(arguments) == {"command": "ls"}
        )
        messages += [
            {"role": "assistant", "content": "Let me look.", "tool_calls": [
                {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}]},
            {"role": "tool", "tool_call_id": call_id, "content": "a.py"},
        ]  # fmt: skip
        second = client.chat.completions.create(model="m", messages=messages, tools=[BASH])
        assert second.choices[0].message.content == "There is one file."
    seen, tools, required = model.requests[1]
    assert [m.role for m in seen] == ["user", "assistant", "tool"]
    assert seen[1].tool_calls[0].id == call_id and seen[1].tool_calls[0].arguments == {
        "command": "ls"
    }
    assert (seen[2].tool_call_id, seen[2].name, seen[2].content) == (call_id, "bash", "a.py")
    assert tools[0]["name"] == "bash" and tools[0]["parameters"]["required"] == ["command"]
    assert model.requests[0][2] is True and required is False


def test_concurrent_requests_wait_their_turn():
    model = SlowClient()
    with BackgroundServer(model) as server:
        results, errors = [], []

        def ask(stream):
            try:
                client = sdk(server)
                if stream:
                    chunks = list(client.chat.completions.create(
                        model="m", messages=user("sleep:0.4"), stream=True))  # fmt: skip
                    results.append("".join(c.choices[0].delta.content or "" for c in chunks))
                else:
                    reply = client.chat.completions.create(model="m", messages=user("sleep:0.4"))
                    results.append(reply.choices[0].message.content)
            except Exception as error:  # noqa: BLE001
                errors.append(error)

        started = time.perf_counter()
        threads = [threading.Thread(target=ask, args=(s,)) for s in (False, True, False)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        elapsed = time.perf_counter() - started
        assert not errors and len(results) == 3
        assert model.max_active == 1
        assert elapsed >= 1.1  # three 0.4 s generations, one after another
        usage = get(server, "/reins/usage")
        assert (usage["requests"], usage["errors"], usage["waiting"]) == (3, 0, 0)
        assert usage["prompt_tokens"] == 30


@pytest.mark.parametrize("stream", [False, True])
def test_a_client_that_hangs_up_frees_the_model(stream):
    model = SlowClient()
    with BackgroundServer(model) as server:
        if stream:  # reads a little, then closes the connection
            reply = sdk(server).chat.completions.create(model="m", messages=user("sleep:10"),
                                                        stream=True)  # fmt: skip
            for _, _chunk in zip(range(3), reply, strict=False):
                pass
            reply.close()
        else:  # gives up waiting for the whole reply
            with pytest.raises(openai.APITimeoutError):
                sdk(server, timeout=0.5).chat.completions.create(
                    model="m", messages=user("sleep:10"))  # fmt: skip
        started = time.perf_counter()
        reply = sdk(server).chat.completions.create(model="m", messages=user("sleep:0.1"))
        assert reply.choices[0].message.content == "done"
        assert time.perf_counter() - started < 3  # not after the 10 s reply
        assert model.stopped == 1 and model.max_active == 1


def test_a_waiting_stream_that_hangs_up_loses_its_place():
    model = SlowClient()
    with BackgroundServer(model) as server:
        first = threading.Thread(target=lambda: sdk(server).chat.completions.create(
            model="m", messages=user("sleep:1")))  # fmt: skip
        first.start()
        time.sleep(0.2)
        with pytest.raises(openai.APITimeoutError):
            for _ in sdk(server, timeout=0.3).chat.completions.create(
                model="m", messages=user("sleep:5"), stream=True
            ):
                pass
        first.join(10)
        reply = sdk(server).chat.completions.create(model="m", messages=user("sleep:0.1"))
        assert reply.choices[0].message.content == "done"
        assert len(model.seen) == 2  # the one that hung up while waiting never ran
        assert get(server, "/reins/usage")["waiting"] == 0


def test_sampling_overrides_apply_per_request_and_tools_need_native_calling(tmp_path):
    model = SlowClient()
    with BackgroundServer(model) as server:
        sdk(server).chat.completions.create(model="m", messages=user("sleep:0"), max_tokens=5,
                                            temperature=0.5, tools=[BASH])  # fmt: skip
        sdk(server).chat.completions.create(model="m", messages=user("sleep:0"))
    assert model.seen[0] == {"tools": None, "max_tokens": 5, "temperature": 0.5}
    assert model.seen[1] == {"tools": None, "max_tokens": None, "temperature": None}
    script = write_script(tmp_path / "t.jsonl", [{"content": "keep this STOP not this"}] * 2)
    with BackgroundServer(ScriptedClient(script)) as server:
        reply = sdk(server).chat.completions.create(model="m", messages=user("x"), stop="STOP")
        assert reply.choices[0].message.content == "keep this "
        chunks = sdk(server).chat.completions.create(model="m", messages=user("x"), stop=["STOP"],
                                                     stream=True)  # fmt: skip
        assert (
            "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "keep this "
        )


def test_model_failures_reach_the_client():
    model = SlowClient()
    model.fail_with = ProviderError("upstream is rate limited", reason="rate_limit")
    with BackgroundServer(model) as server:
        with pytest.raises(openai.RateLimitError):
            sdk(server).chat.completions.create(model="m", messages=user("sleep:0"))
        with pytest.raises(openai.APIError, match="rate limited"):
            for _ in sdk(server).chat.completions.create(model="m", messages=user("sleep:0"),
                                                         stream=True):  # fmt: skip
                pass
        with pytest.raises(openai.BadRequestError):
            sdk(server).chat.completions.create(model="m", messages=[])
        assert get(server, "/reins/usage")["errors"] == 2


def test_reins_serve_command(tmp_path):
    script = write_script(tmp_path / "t.jsonl", [{"content": "from the command"}])
    process = subprocess.Popen(
        [sys.executable, "-m", "reins", "serve", "-m", f"scripted:{script}", "--port", "0"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        line = process.stderr.readline()
        url = re.search(r"(http://\S+/v1)", line)[1]
        client = openai.OpenAI(base_url=url, api_key="none", max_retries=0)
        reply = client.chat.completions.create(model="m", messages=user("hi"))
        assert reply.choices[0].message.content == "from the command"
    finally:
        started = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        process.wait(10)
    assert time.perf_counter() - started < 5


def test_the_embedded_model_served():
    pytest.importorskip("llama_cpp")
    from reins.agent.runner import prepare_client
    from reins.serve.app import build_client

    model = build_client("local:smollm2-135m")
    prepare_client(model)
    with BackgroundServer(model) as server:
        client = sdk(server)
        (card,) = client.models.list().data
        assert card.id == "local:smollm2-135m"
        assert card.reins["native_tools"] is False and card.reins["context_length"] == 4096
        started = time.perf_counter()
        reply = client.chat.completions.create(
            model=card.id, messages=user("Count from 1 to 50."), max_tokens=12, temperature=0
        )
        assert reply.usage.completion_tokens <= 12 and reply.choices[0].message.content
        assert reply.choices[0].finish_reason == "length"
        chunks = list(client.chat.completions.create(
            model=card.id, messages=user("Count from 1 to 50."), max_tokens=12, temperature=0,
            stream=True, stream_options={"include_usage": True},
        ))  # fmt: skip
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert text == reply.choices[0].message.content  # greedy: the same tokens
        assert chunks[-1].usage.prompt_tokens == reply.usage.prompt_tokens
        assert time.perf_counter() - started < 60
    assert model.max_output_tokens == 2048 and model.temperature == 0.0  # restored
