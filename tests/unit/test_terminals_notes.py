"""Background terminals, todo_write and think."""

import asyncio

from reins.tools.errors import ErrorKind


async def test_background_server_is_polled_and_killed(run, ctx):
    started = await run(
        "run_command", command="echo booting; for i in 1 2 3 4 5 6 7 8 9; do echo tick $i; sleep 0.3; done; sleep 60",
        background=True,
    )  # fmt: skip
    assert started.ok and "started terminal t1" in started.output and "booting" in started.output
    await asyncio.sleep(1.5)
    polled = await run("read_terminal", id="t1")
    assert "running" in polled.output and "tick" in polled.output and "booting" not in polled.output
    killed = await run("kill_terminal", id="t1")
    assert killed.ok and "killed" in killed.output
    after = await run("read_terminal", id="t1")
    assert "exited" in after.output
    await ctx.terminals.close()


async def test_terminal_exit_code_and_unknown_id(run, ctx):
    await run("run_command", command="echo done; exit 4", background=True)
    await asyncio.sleep(0.3)
    result = await run("read_terminal", id="t1")
    assert "exited with code 4" in result.output
    missing = await run("read_terminal", id="t9")
    assert missing.kind is ErrorKind.INVALID_ARGUMENTS and "t1" in missing.output
    await ctx.terminals.close()


async def test_closing_the_session_kills_background_processes(run, ctx, repo):
    marker = repo / "still-alive"
    await run("run_command", command=f"sleep 2; touch {marker}", background=True)
    await ctx.terminals.close()
    await asyncio.sleep(2.5)
    assert not marker.exists()


async def test_todo_write_keeps_the_list_and_think_changes_nothing(run, ctx):
    result = await run(
        "todo_write",
        items=[
            {"content": "read code", "status": "completed"},
            {"content": "fix bug", "status": "in_progress"},
        ],
    )
    assert result.ok and "(1/2 done)" in result.output and "[~] fix bug" in result.output
    assert ctx.todos[1] == {"content": "fix bug", "status": "in_progress"}
    bad = await run("todo_write", items=[{"content": "x", "status": "someday"}])
    assert bad.kind is ErrorKind.INVALID_ARGUMENTS
    assert (await run("think", thought="the bug is in the loop")).output == "ok"
