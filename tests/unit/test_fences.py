"""Fenced blocks inside file blocks: a README's examples, a Makefile, a file in a JSON call;
and a reply that the one-block stop string cut inside its block goes on."""

from __future__ import annotations

import pytest

from reins.agent.attachments import block_opener
from reins.agent.builder import build_session
from reins.agent.events import TextDelta as TextEvent
from reins.agent.protocols.fences import cut_short, fence_for, file_blocks
from reins.agent.protocols.text import TextProtocol
from reins.agent.protocols.text_codec import close_open_call, parse_tool_calls
from reins.models.client import ModelReply
from reins.models.messages import Message, ReplyDone, TextDelta, Usage
from reins.profiles import load_profile

STOP = "\n```\n"  # qwen-files: the end of the first code block
README = "# tally\n\n## Usage\n\n```sh\npython3 -m tally notes/*.md\n```\n\nOne row per file.\n"


def test_a_readme_block_keeps_its_own_examples_with_either_nesting():
    for outer, inner in (("```", "```sh"), ("````", "```sh"), ("````", "```")):
        reply = f"README.md\n{outer}markdown\n{README.replace('```sh', inner)}{outer}\n"
        _, calls = parse_tool_calls(reply, "files")
        assert [c.name for c in calls] == ["write_file"], (outer, inner)
        assert calls[0].arguments == {
            "path": "README.md",
            "content": README.replace("```sh", inner),
        }


def test_a_four_backtick_block_closed_with_three_ends_there():
    # the model opened with the prefilled ```` and closed with ```: that is its own close
    reply = "README.md\n````markdown\n# tally\n\nOne row per file.\n```\n"
    _, calls = parse_tool_calls(reply, "files")
    assert calls[0].arguments["content"] == "# tally\n\nOne row per file.\n"


@pytest.mark.parametrize("path", ["Makefile", "build/Dockerfile", ".gitignore", "src/app.py"])
def test_files_without_an_extension_are_written_from_their_block(path):
    # seen: a correct Makefile answered with "could not tell which file your code block is for"
    _, calls = parse_tool_calls(f"{path}\n```\nclean:\n\trm -rf build\n```", "files")
    assert [(c.name, c.arguments.get("path")) for c in calls] == [("write_file", path)]
    assert calls[0].arguments["content"] == "clean:\n\trm -rf build\n"


def test_a_call_block_after_a_file_block_and_prose_words_are_not_paths():
    blocks = file_blocks('app.py\n```python\nx = 1\n```\n```json\n{"name": "finish"}\n```')
    assert [(b.path, b.body) for b in blocks] == [("app.py", "x = 1")]
    assert file_blocks("Here it is:\n```\nx = 1\n```") == []


def test_a_json_call_whose_string_holds_fences_is_read_whole():
    content = "# t\\n\\n```sh\\nrun\\n```\\n"  # escaped newlines: no fence lines
    raw = '```json\n{"name": "write_file", "arguments": {"path": "R.md", "content": "' + content
    raw += '"}}\n```'
    _, calls = parse_tool_calls(raw, "files")
    assert calls[0].arguments["content"] == "# t\n\n```sh\nrun\n```\n"
    # raw newlines in the string (small models write them): the fence lines are inside it
    raw = '```json\n{"name": "write_file", "arguments": {"path": "R.md", "content": "# t\n```sh\nrun\n```\n"}}\n```'
    _, calls = parse_tool_calls(raw, "files")
    assert calls[0].arguments["content"] == "# t\n```sh\nrun\n```\n"


def test_cut_short_tells_a_stop_inside_a_block_from_the_blocks_own_end():
    assert cut_short("README.md\n```markdown\n# t\n```sh\nrun")  # the stop closed ```sh
    assert cut_short("README.md\n````markdown\n# t\n\nrun")  # ```` is not closed by ```
    assert cut_short('```json\n{"name": "write_file", "arguments": {"content": "# t\n')
    assert not cut_short("app.py\n```python\nx = 1")  # the stop was the block's end
    assert not cut_short('```json\n{"name": "finish", "arguments": {}}')
    assert not cut_short("Done: the tests pass.")
    assert not cut_short("README.md\n````markdown\n# t\n````\n")


def test_continuation_adds_the_lost_stop_string_and_only_for_fence_stops():
    protocol = TextProtocol("files")
    cut = "README.md\n```markdown\n# t\n```sh\nrun"
    assert protocol.continuation(cut, (STOP,)) == cut + "\n``"  # the model writes the rest
    assert protocol.continuation(cut, ("</tool_call>",)) is None
    assert protocol.continuation("app.py\n```python\nx = 1", (STOP,)) is None


def test_an_open_block_is_closed_with_its_own_fence_for_the_history():
    assert close_open_call("README.md\n````markdown\n# t\n```sh\nrun\n```").endswith("\n````")
    assert close_open_call("app.py\n```python\nx = 1").endswith("x = 1\n```")
    assert close_open_call("app.py\n```python\nx = 1\n```") == "app.py\n```python\nx = 1\n```"


class Typist:
    """A model that means to write `replies` in turn and, like llama.cpp, ends each
    generation at the first stop string (dropped), continuing a prefill it is given."""

    model = "fake:typist"
    supports_native_tools, supports_prefill = False, True

    def __init__(self, replies: list[str], stops: tuple[str, ...]):
        self.replies, self.stops, self.calls = list(replies), stops, []

    async def stream(self, messages, tools=None, *, require_tool=False, prefill=None, **_):
        prefill = prefill or ""
        self.calls.append(prefill)
        while self.replies and not self.replies[0].startswith(prefill):
            self.replies.pop(0)  # a new reply: the last one is done
        meant = self.replies[0] if self.replies else '```json\n{"name": "finish"}\n```'
        rest = meant[len(prefill) :] if meant.startswith(prefill) else meant
        cuts = [i for i in (rest.find(s) for s in self.stops) if i >= 0]
        text = prefill + (rest[: min(cuts)] if cuts else rest)
        if prefill:
            yield TextDelta(prefill)
        if text != prefill:
            yield TextDelta(text[len(prefill) :])
        yield ReplyDone(ModelReply(Message("assistant", text, raw=text), Usage(10, 5),
                                   self.model, "stop"))  # fmt: skip

    async def close(self):
        return None


async def test_a_readme_written_with_its_examples_reaches_the_disk_whole(repo, store):
    # seen: README.md's block stopped at its first ``` line, and 13 lines replaced its 33
    (repo / "README.md").write_text(README)
    new = README + "\n## Running tests\n\n```sh\npython3 -m unittest discover -s tests\n```\n"
    profile = load_profile("qwen-files")
    finish = '```json\n{"name": "finish", "arguments": {"summary": "added"}}\n```'
    model = Typist([f"README.md\n````markdown\n{new}````\n", finish], profile.stop)
    session = build_session(repo, model=model, profile=profile, store=store)
    shown: list[str] = []
    session.recorder.subscribe(lambda e: shown.append(e.text) if isinstance(e, TextEvent) else None)
    await session.run("Add a Running tests section to `README.md`.")
    assert (repo / "README.md").read_text() == new
    # the reply took three calls (two examples' closing fences), and was shown once
    assert len([p for p in model.calls if p.startswith("README.md")]) == 3
    assert "".join(shown).startswith(f"README.md\n````markdown\n{new}````\n")


async def test_a_reply_is_continued_a_bounded_number_of_times(repo, store):
    # a model that opens an example per line forever: the reply is taken as it stands
    profile = load_profile("qwen-files")
    endless = "notes.md\n```markdown\n" + "".join(f"```sh\nrun {i}\n```\n" for i in range(40))
    model = Typist([endless], profile.stop)
    session = build_session(repo, model=model, profile=profile, store=store)
    (repo / "notes.md").write_text("# notes\n")
    session.begin("Add example commands to `notes.md`.")
    await session.step()
    assert len(model.calls) == 1 + 8  # MAX_CONTINUATIONS
    assert "run 7" in (repo / "notes.md").read_text()


def test_a_file_is_shown_and_started_inside_a_fence_its_own_fences_cannot_close():
    """The attachment and the block opener agree, so the model closes the block it was
    shown with; backticks inside a line (`x = "```"`) close nothing and need no more."""
    assert fence_for('x = "```"\nprint(x)\n') == "```"
    assert fence_for(README) == "````"
    assert fence_for("# doc\n\n````md\n```sh\nrun\n```\n````\n") == "`````"
    assert block_opener("README.md", README) == "README.md\n````markdown\n"
    # a block opened with the longer fence is read whole, inner blocks and all
    reply = "doc.md\n`````md\n# doc\n````md\n```sh\nrun\n```\n````\n`````\n"
    (block,) = file_blocks(reply)
    assert block.closed and block.body == "# doc\n````md\n```sh\nrun\n```\n````"
