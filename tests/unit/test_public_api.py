"""The public Python API: what the README promises, hooks that change what happens, the
event record, step-by-step driving, model switches and resumes."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import reins
from reins.agent.events import (
    MessageAdded,
    SystemPromptSet,
    ToolCalled,
    TurnEnded,
)
from reins.agent.store_writer import load_history
from tests.conftest import write_script

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    section = README.read_text().split("## Embedding reins in Python", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def test_the_readme_example_runs_as_written(repo, tmp_path):
    code = readme_example()
    assert len(code.splitlines()) <= 50  # an example someone reads, not a program
    example = tmp_path / "embed.py"
    example.write_text(code)
    script = write_script(tmp_path / "turns.jsonl", [
        {"content": "", "tool_calls": [{"name": "count_lines", "arguments": {"path": "README.md"}}]},
        {"content": "README.md has 1 line."},
    ])  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(example), str(repo), f"scripted:{script}"],
        capture_output=True, text=True, timeout=120, env=os.environ.copy(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "tool: count_lines -> 1" in done.stdout
    assert "completed README.md has 1 line." in done.stdout


def scripted(repo, store, tmp_path, turns, **kwargs):
    script = write_script(tmp_path / "s.jsonl", turns)
    config = reins.Config(model=f"scripted:{script}", **kwargs.pop("config", {}))
    return reins.open_session(repo, config, store, **kwargs)


READ = {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "src/util.py"}}]}


async def test_step_by_step_driving(repo, store, tmp_path):
    session = scripted(repo, store, tmp_path, [READ, {"content": "VALUE is 1"}])
    async with session:
        turn = session.begin("what is VALUE?")
        first = await session.step()
        assert first is None and turn.steps == 1 and turn.tool_calls == 1
        assert session.history[-1].role == "tool" and "VALUE = 1" in session.history[-1].content
        stop = await session.step()
        assert stop == reins.Stop("completed", "VALUE is 1")
        outcome = session.end(stop)
    assert (outcome.status, outcome.steps, outcome.tool_calls) == ("completed", 2, 1)


class ReadmeInstead(reins.Hook):
    """Rewrites every read_file call to read README.md: hooks change what happens."""

    def after_reply(self, turn, plan):
        for call in plan.run:
            if call.name == "read_file":
                call.arguments["path"] = "README.md"


class StopOnFailure(reins.Hook):
    def after_tools(self, turn, plan, executed):
        if any(not item.result.ok for item in executed):
            plan.stop = reins.Stop("error", "a tool failed")


class DropOldToolResults(reins.Hook):
    """A toy compaction: the model does not see tool results older than the last two."""

    def before_model(self, turn, request):
        tools = [i for i, m in enumerate(request.messages) if m.role == "tool"]
        for i in tools[:-2]:
            m = request.messages[i]
            request.messages[i] = reins.Message("tool", "[elided]", tool_call_id=m.tool_call_id)
        self.sent = request.messages


async def test_hooks_change_calls_stop_turns_and_edit_what_the_model_sees(repo, store, tmp_path):
    session = scripted(repo, store, tmp_path, [READ, {"content": "done"}], hooks=[ReadmeInstead()])
    outcome = await session.run("read")
    assert "# demo" in session.history[3].content and outcome.status == "completed"
    await session.close()

    missing = {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "x"}}]}
    session = scripted(repo, store, tmp_path, [missing, READ], hooks=[StopOnFailure()])
    outcome = await session.run("read")
    assert (outcome.status, outcome.final_message, outcome.steps) == ("error", "a tool failed", 1)
    await session.close()

    compact = DropOldToolResults()
    session = scripted(repo, store, tmp_path, [READ] * 4 + [{"content": "ok"}], hooks=[compact])
    await session.run("read a lot")
    assert [m.content for m in compact.sent if m.role == "tool"][:2] == ["[elided]", "[elided]"]
    assert "[elided]" not in [m.content for m in session.history]  # the log keeps the truth
    await session.close()


async def test_every_change_is_one_event_and_the_log_follows_the_events(repo, store, tmp_path):
    seen = []
    session = scripted(repo, store, tmp_path, [READ, {"content": "done"}], progress=seen.append)
    outcome = await session.run("go")
    await session.close()
    durable = [type(e).__name__ for e in seen if e.durable]
    assert durable == [
        "SystemPromptSet", "TurnStarted", "MessageAdded", "ModelCalled", "MessageAdded",
        "ToolCalled", "ModelCalled", "MessageAdded", "TurnEnded",
    ]  # fmt: skip
    assert isinstance(seen[-1], TurnEnded) and seen[-1].outcome == outcome
    logged = load_history(store, outcome.session_id)
    messages = [e for e in seen if isinstance(e, MessageAdded | SystemPromptSet | ToolCalled)]
    assert len(logged) == len(messages)
    (turn,) = store.turns(outcome.session_id)
    assert (turn["status"], turn["steps"], turn["tool_calls"]) == ("completed", 2, 1)
    assert [c["step"] for c in store.model_calls(outcome.session_id)] == [1, 2]


async def test_a_model_error_is_classified_in_the_log(repo, store):
    session = reins.open_session(repo, reins.Config(model="openai-compat:http://127.0.0.1:9/v1#m",
                                                    max_retries=0), store)  # fmt: skip
    outcome = await session.run("hi")
    await session.close()
    assert outcome.status == "error"
    (call,) = store.model_calls(outcome.session_id)
    assert call["error_reason"] == "connection" and call["error"]


async def test_switching_model_brings_the_new_profiles_tools_and_prompt(repo, store, tmp_path):
    seen = []
    session = scripted(repo, store, tmp_path, [], progress=seen.append)
    assert "finish" not in session.executor.tools and "glob" in session.executor.tools
    qwen = reins.Config(model="scripted:/dev/null", profile="qwen")
    await reins.switch_model(session, qwen, "scripted:/dev/null")
    assert session.profile.name == "qwen"
    assert "finish" in session.executor.tools and "glob" not in session.executor.tools
    gpt = reins.Config(model="scripted:/dev/null", profile="openai")
    await reins.switch_model(session, gpt, "scripted:/dev/null")
    assert "apply_patch" in session.executor.tools and "finish" not in session.executor.tools
    prompts = [e for e in seen if isinstance(e, SystemPromptSet)]
    assert [p.profile for p in prompts] == ["default", "qwen", "openai"]
    assert session.history[0].content == prompts[-1].prompt
    assert store.get_session(session.id).profile == "openai"
    await session.close()


async def test_resume_gets_a_fresh_system_prompt_for_the_current_model(repo, store, tmp_path):
    first = scripted(repo, store, tmp_path, [{"content": "hello"}])
    await first.run("one")
    await first.close()
    seen = []
    resumed = scripted(repo, store, tmp_path, [{"content": "again"}],
                       resume_id=first.id, progress=seen.append,
                       config={"profile": "qwen"})  # fmt: skip
    (prompt,) = [e for e in seen if isinstance(e, SystemPromptSet)]
    assert prompt.profile == "qwen" and resumed.history[0].content == prompt.prompt
    assert "```json" in prompt.prompt  # the text protocol's tool section: qwen's prompt
    assert [m.role for m in resumed.history] == ["system", "user", "assistant"]
    outcome = await resumed.run("two")
    await resumed.close()
    assert [t["turn"] for t in store.turns(outcome.session_id)] == [1, 2]


async def test_the_model_is_told_the_configured_date(repo, store, tmp_path):
    # the lab pins it, so a bench resumed another day asks the same prompts
    seen = []
    session = scripted(repo, store, tmp_path, [{"content": "hi"}], progress=seen.append,
                       config={"prompt_date": "2025-01-31"})  # fmt: skip
    (prompt,) = [e for e in seen if isinstance(e, SystemPromptSet)]
    assert "Date: 2025-01-31" in prompt.prompt
    await session.close()
    today = scripted(repo, store, tmp_path, [{"content": "hi"}])
    assert f"Date: {dt.date.today().isoformat()}" in today.history[0].content
    await today.close()


def test_the_public_names_import_lazily():
    code = "import sys, reins; assert 'reins.agent.session' not in sys.modules; reins.Session"
    subprocess.run([sys.executable, "-c", code], check=True)
