"""Tools declare what each call touches; the executor runs calls side by side unless their
accesses conflict, keeping the order the model wrote them in."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from pydantic import BaseModel

from reins.models.messages import ToolCall
from reins.tools.access import NOTHING, READ_ALL, WRITE_ALL, Access
from reins.tools.base import Tool
from reins.tools.errors import ErrorKind
from reins.tools.executor import ToolExecutor
from reins.tools.registry import CORE_TOOLS, build_tools

# -- the Access algebra --------------------------------------------------------------------


def test_two_accesses_conflict_only_when_one_is_exclusive_and_their_keys_overlap():
    a, b = Access.exclusive(["src/a.py"]), Access.exclusive(["src/b.py"])
    assert not a.conflicts(b)
    assert a.conflicts(Access.exclusive(["src/a.py"]))
    assert a.conflicts(Access.shared(["src/a.py"])) and Access.shared(["src/a.py"]).conflicts(a)
    assert not Access.shared(["src/a.py"]).conflicts(Access.shared(["src/a.py"]))
    assert a.conflicts(Access.shared(["src"]))  # a directory covers what is below it
    assert not a.conflicts(Access.shared(["src/a.pyc"]))  # a prefix of a name is not a parent
    assert a.conflicts(READ_ALL) and READ_ALL.conflicts(a)  # None: the whole workspace
    assert not READ_ALL.conflicts(READ_ALL)
    assert WRITE_ALL.conflicts(READ_ALL) and WRITE_ALL.conflicts(Access.exclusive(["todos"]))
    assert not NOTHING.conflicts(WRITE_ALL) and not WRITE_ALL.conflicts(NOTHING)
    assert Access.exclusive({"x"}) == Access("exclusive", frozenset({"x"}))
    with pytest.raises(ValueError):
        Access("sometimes")


def test_a_tool_must_not_use_the_old_read_only_flag():
    with pytest.raises(TypeError, match="access"):

        class Old(Tool):  # noqa: F841
            name = "old"
            read_only = True


# -- what each core tool declares -----------------------------------------------------------


@pytest.fixture
def access(ctx):
    executor = ToolExecutor(build_tools(), ctx)
    return lambda name, **arguments: executor.access_of(ToolCall(name, arguments))


def test_file_tools_key_paths_the_same_way(access, repo):
    os.symlink("src/app.py", repo / "link.py")
    spellings = ["src/app.py", "./src/app.py", "src/../src/app.py", str(repo / "src/app.py"),
                 "link.py"]  # fmt: skip
    for path in spellings:
        assert access("read_file", path=path) == Access.shared(["src/app.py"]), path
        assert access("edit_file", path=path, old_string="a", new_string="b") == (
            Access.exclusive(["src/app.py"])
        ), path
        assert access("write_file", path=path, content="x") == Access.exclusive(["src/app.py"])
    assert access("write_file", path="new/file.txt", content="x") == Access.exclusive(
        ["new/file.txt"]
    )
    assert access("list_dir", path="src") == Access.shared(["src"])
    assert access("list_dir", path=".") == READ_ALL
    assert access("grep", pattern="x", path="src") == Access.shared(["src"])
    assert access("grep", pattern="x") == READ_ALL
    assert access("glob", pattern="src/**/*.py") == Access.shared(["src"])
    assert access("glob", pattern="**/*.py") == READ_ALL
    assert access("codebase_search", query="x") == READ_ALL
    assert access("read_lints") == READ_ALL


def test_a_path_that_does_not_resolve_claims_the_whole_workspace(access, repo, tmp_path):
    os.symlink(tmp_path, repo / "out")
    os.symlink("loop", repo / "loop")
    for path in ["../outside.txt", "/etc/passwd", "out/x.txt", "loop", "a\x00b", "x" * 5000]:
        assert access("edit_file", path=path, old_string="a", new_string="b") == WRITE_ALL, path
        assert access("read_file", path=path) == READ_ALL, path


def test_apply_patch_is_exclusive_on_every_path_it_names(access):
    patch = (
        "*** Begin Patch\n*** Update File: src/app.py\n*** Move to: src/moved.py\n@@\n-a\n+b\n"
        "*** Add File: docs/new.md\n+hello\n*** Delete File: ./src/util.py\n*** End Patch"
    )
    expected = {"src/app.py", "src/moved.py", "docs/new.md", "src/util.py"}
    assert access("apply_patch", patch=patch) == Access.exclusive(expected)
    assert access("apply_patch", patch="not a patch") == WRITE_ALL


@pytest.mark.parametrize("command", ["ls", "ls -la src", "cat README.md | wc -l", "pwd",
                                     "git status", "git diff HEAD -- src | head -20",
                                     "git log --oneline", "rg greet src", "grep -rn greet ."])  # fmt: skip
def test_clearly_read_only_commands_share(access, command):
    assert access("run_command", command=command) == READ_ALL


@pytest.mark.parametrize("command", ["sleep 1 > f", "ls > out", "ls; rm x", "ls && make",
                                     "echo $(rm x)", "ls `rm x`", "cat <<EOF", "rm -rf src",
                                     "git commit -m x", "git -c core.pager=x log",
                                     "git diff --output=x", "rg --pre ./evil x", "python t.py",
                                     "X=1 ls", "ls || rm x", "tee f", "ls |"])  # fmt: skip
def test_anything_else_a_command_does_is_exclusive(access, command):
    assert access("run_command", command=command) == WRITE_ALL


def test_session_state_tools(access):
    assert access("run_command", command="ls", background=True) == WRITE_ALL
    assert access("todo_write", items=[]) == Access.exclusive(["todos"])
    assert access("think", thought="hm") == NOTHING
    assert access("read_terminal", id="t1") == Access.shared(["terminal:t1"])
    assert access("kill_terminal", id="t1") == Access.exclusive(["terminal:t1"])
    assert access("no_such_tool") == NOTHING  # answered InvalidArguments at once
    assert access("read_file", path=7) == NOTHING


# -- the executor, with the real tools ------------------------------------------------------


def instrumented(ctx, delay: float = 0.2):
    """The real tools, each call held `delay` s before it runs; records (label, start, end)."""
    executor = ToolExecutor(build_tools(), ctx)
    spans: dict[str, tuple[float, float]] = {}
    for tool in executor.tools.values():

        async def run(args, ctx, _run=tool.run):
            label = args.model_dump_json()
            start = time.perf_counter()
            await asyncio.sleep(delay)
            try:
                return await _run(args, ctx)
            finally:
                spans[label] = (start, time.perf_counter())

        tool.run = run
    return executor, spans


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def edit(path: str, old: str, new: str) -> ToolCall:
    return ToolCall("edit_file", {"path": path, "old_string": old, "new_string": new})


async def test_edits_of_different_files_overlap_and_edits_of_one_file_never_do(ctx, repo):
    executor, spans = instrumented(ctx)
    calls = [
        edit("src/app.py", "'hello '", "'hi '"),
        edit("src/util.py", "VALUE = 1", "VALUE = 2"),
        edit("./src/app.py", "print(greet('x'))", "print(greet('y'))"),
    ]
    done = await executor.run_batch(calls)
    assert [d.result.kind for d in done] == [ErrorKind.OK] * 3, [d.result.output for d in done]
    first, other, same = (spans[label_of(c)] for c in calls)
    assert overlap(first, other), "edits of different files should run side by side"
    assert same[0] >= first[1], "a second edit of one file must wait for the first"
    text = (repo / "src/app.py").read_text()
    assert "'hi '" in text and "greet('y')" in text


async def test_ls_runs_beside_read_file_but_a_redirecting_command_does_not(ctx, repo):
    executor, spans = instrumented(ctx)
    calls = [
        ToolCall("read_file", {"path": "src/app.py"}),
        ToolCall("run_command", {"command": "ls src"}),
        ToolCall("run_command", {"command": "sleep 1 > out.txt"}),
        ToolCall("read_file", {"path": "README.md"}),
    ]
    done = await executor.run_batch(calls)
    assert all(d.result.ok for d in done), [d.result.output for d in done]
    assert "app.py" in done[1].result.output
    read, ls, sleep, read_after = (spans[label_of(c)] for c in calls)
    assert overlap(read, ls), "a read-only command should run beside read_file"
    assert sleep[0] >= max(read[1], ls[1]), "a writing command waits for the reads before it"
    assert read_after[0] >= sleep[1], "and the reads after it wait for it"
    assert sleep[1] - sleep[0] >= 1.0


async def test_results_keep_the_order_of_the_calls(ctx, repo):
    executor = ToolExecutor(build_tools(), ctx)
    calls = [
        ToolCall("run_command", {"command": "sleep 0.3; echo slow"}),
        ToolCall("think", {"thought": "x"}),
        ToolCall("read_file", {"path": "src/util.py"}),
        ToolCall("nope", {}),
    ]
    done = await executor.run_batch(calls)
    assert [d.call for d in done] == calls
    assert "slow" in done[0].result.output and done[1].result.output == "ok"
    assert done[2].result.output == "1| VALUE = 1" and not done[3].result.ok


class LabelledArgs(BaseModel):
    label: str
    keys: list[str] | None = None
    exclusive: bool = True
    delay: float = 0.2


class Keyed(Tool):
    name = "keyed"
    description = "sleeps, touching the given keys"
    Args = LabelledArgs

    def access(self, args, env):
        return Access("exclusive" if args.exclusive else "shared", args.keys)

    async def run(self, args, ctx):
        await asyncio.sleep(args.delay)
        return args.label


async def test_a_call_waits_only_for_the_earlier_calls_it_conflicts_with(ctx):
    executor, spans = instrumented_keyed(ctx)
    calls = [
        keyed("a1", ["a"], delay=0.3),
        keyed("b1", ["b"], delay=0.1),
        keyed("b2", ["b"], delay=0.1),  # waits for b1 only
        keyed("a2", ["a"], delay=0.0),  # waits for a1 only
        keyed("t", [], delay=0.0),  # touches nothing: never waits
    ]
    done = await executor.run_batch(calls)
    assert [d.result.output for d in done] == ["a1", "b1", "b2", "a2", "t"]
    assert spans["b2"][0] >= spans["b1"][1] and spans["b2"][1] < spans["a1"][1]
    assert spans["a2"][0] >= spans["a1"][1]
    assert spans["t"][0] < spans["b1"][1]


async def test_a_new_batch_waits_for_a_conflicting_call_still_running_from_before(ctx):
    executor, spans = instrumented_keyed(ctx)
    first = asyncio.create_task(executor.run_batch([keyed("old", ["a"], delay=0.3)]))
    await asyncio.sleep(0.05)
    await executor.run_batch([keyed("other", ["b"], delay=0.0), keyed("new", ["a"], delay=0.0)])
    assert spans["other"][0] < spans["old"][1] <= spans["new"][0]
    await first


async def test_cancelling_a_batch_cancels_waiting_calls_and_frees_their_keys(ctx):
    executor, spans = instrumented_keyed(ctx)
    task = asyncio.create_task(
        executor.run_batch([keyed("w1", ["a"], delay=5), keyed("w2", ["a"], delay=5)])
    )
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert "w2" not in spans  # it never started
    done = await asyncio.wait_for(executor.run_batch([keyed("after", ["a"], delay=0)]), 1)
    assert done[0].result.kind is ErrorKind.OK


def keyed(label: str, keys: list[str] | None, delay: float = 0.2, exclusive=True) -> ToolCall:
    return ToolCall("keyed", {"label": label, "keys": keys, "exclusive": exclusive, "delay": delay})


def instrumented_keyed(ctx):
    tool = Keyed()
    spans: dict[str, tuple[float, float]] = {}

    async def run(args, ctx, _run=tool.run):
        start = time.perf_counter()
        try:
            return await _run(args, ctx)
        finally:
            spans[args.label] = (start, time.perf_counter())

    tool.run = run
    return ToolExecutor([tool], ctx), spans


def label_of(call: ToolCall) -> str:
    """What instrumented() records a call of a core tool under: its arguments as validated."""
    return CORE_TOOLS[call.name].Args.model_validate(call.arguments).model_dump_json()


def test_classifying_a_huge_command_is_instant():
    import time

    from reins.tools.readonly_commands import is_read_only

    start = time.process_time()
    assert not is_read_only("cat " + "x " * 500_000)
    assert time.process_time() - start < 0.5  # CPU time: shlex over 1 MB took 25 s
