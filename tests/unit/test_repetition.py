"""A reply stuck repeating a line is stopped early and keeps one copy of it."""

from __future__ import annotations

from reins.models.local_llama import LocalLlamaClient
from reins.models.messages import Message, ReplyDone
from reins.models.repetition import loop_start, without_loop


def test_a_run_of_one_to_three_repeated_lines_is_a_loop_and_a_short_one_is_not():
    stuck = "class T:\n" + '    self.assertEqual(slugify("a  b"), "a-b")\n' * 20 + "    self.ass"
    assert loop_start(stuck) == (1, 1)
    assert without_loop(stuck) == 'class T:\n    self.assertEqual(slugify("a  b"), "a-b")\n'
    assert without_loop("x = 1\n" + "a\nb\n" * 9) == "x = 1\na\nb\n"
    # not loops: a 9x9 grid of zeros, blank lines, a file with no repeats
    grid = "G = [\n" + "    [0, 0, 0, 0, 0, 0, 0, 0, 0],\n" * 9 + "]\n"
    for text in (grid, "\n" * 40, "".join(f"x{i} = {i}\n" for i in range(40))):
        assert loop_start(text) is None and without_loop(text) == text


class LoopingClient(LocalLlamaClient):
    """The local client with a fake model that writes its line until it is stopped."""

    def __init__(self, stop_loops=True):
        super().__init__("fake", stop_loops=stop_loops)
        self._llm = object()  # loaded, as far as stream() can tell
        self.pieces = 0

    def render(self, messages):
        return "prompt", []

    def tokenize(self, text):
        return [1, 2, 3]

    def _generate(self, tokens, stops, max_tokens, loop, queue, stop_flag, temperature, seed):
        finish = "length"
        for _ in range(500):
            if stop_flag.is_set():
                finish = "aborted"
                break
            self.pieces += 1
            loop.call_soon_threadsafe(queue.put_nowait, ("text", "    check(1)\n"))
            stop_flag.wait(0.001)
        stats = {"prompt_eval_tokens": 3.0}
        loop.call_soon_threadsafe(queue.put_nowait, ("done", (stats, finish, self.pieces, [])))


async def test_the_local_client_stops_a_looping_reply_and_keeps_one_copy():
    client = LoopingClient()
    events = [
        e async for e in client.stream([Message("user", "tests")], prefill="t.py\n```python\n")
    ]
    reply = events[-1].reply if isinstance(events[-1], ReplyDone) else None
    assert reply is not None and reply.finish_reason == "repetition"
    assert reply.message.content == "t.py\n```python\n    check(1)\n"
    assert client.pieces < 100  # stopped soon after the run was long enough, not at 500


async def test_a_served_model_is_not_stopped():
    # `reins serve` answers peers (aider) measured beside reins: they get the model as it is
    client = LoopingClient(stop_loops=False)
    events = [e async for e in client.stream([Message("user", "tests")])]
    assert events[-1].reply.finish_reason == "length" and client.pieces == 500
