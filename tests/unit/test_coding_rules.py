"""The small-model coding rules (profile switches) on the scripted model: attached files,
erased repeats, the finish check and the syntax check."""

import asyncio
import shutil
import time

import pytest

from reins.agent.attachments import attach_files, mentioned_paths, new_files
from reins.agent.hooks import Hook
from reins.agent.store_writer import load_history, logged_messages
from reins.evals.atif import session_to_atif
from reins.models.messages import ReplyDone
from tests.unit.test_session import open_scripted


def call(name, **arguments):
    return {"content": "", "tool_calls": [{"name": name, "arguments": arguments}]}


class SeenByModel(Hook):
    """Keeps what each model call is sent."""

    def __init__(self):
        self.requests = []

    def before_model(self, turn, request):
        self.requests.append([(m.role, m.content) for m in request.messages])


def watched(session):
    seen = SeenByModel()
    session.hooks.append(seen)
    return seen


class Temperatures(Hook):
    """Keeps each model call's own temperature (None: the profile's)."""

    def __init__(self, session):
        self.seen = []
        session.hooks.append(self)

    def before_model(self, turn, request):
        self.seen.append(request.temperature)


# --- attached files ---------------------------------------------------------------------


def test_mentioned_paths_finds_paths_in_prose_and_code_spans():
    text = (
        "Fix `src/app.py` so tests/test_app.py passes; see docs/x.md. Not http://a.io/b.py or v1.2"
    )
    assert mentioned_paths(text) == ["src/app.py", "tests/test_app.py", "docs/x.md", "v1.2"]


def test_new_files_are_the_named_outputs_not_tests_links_or_dotted_words(ctx):
    text = (
        "Read src/util.py, write the total to total.txt and a script `sum.py`; e.g. use "
        "self.value, Python 3.6, tests/test_sum.py, sum_test.py, https://x.io/a.html, "
        "https://x.io/?f=%2Fexport.html, out.png"
    )
    assert new_files(text, ctx) == ["total.txt", "sum.py"]
    assert new_files("fill in src/util.py", ctx) == []
    # a test file is one to create only where the request asks for it to be written
    assert new_files("Write tests for `add`, in a new file `tests/test_add.py`.", ctx) == [
        "tests/test_add.py"
    ]
    assert new_files("Put the tests in test_add.py. See sum_test.py too.", ctx) == ["test_add.py"]
    assert new_files("Write `calc.py`; see the tests in `calc_test.py`.", ctx) == ["calc.py"]
    assert new_files("Write a quick test.py that calls `add`.", ctx) == ["test.py"]


async def test_the_files_a_request_names_are_attached_to_it(repo, store, tmp_path):
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}],
                            profiles={"default": {"attach_files_kb": 16}})  # fmt: skip
    outcome = await session.run("Make greet in src/app.py shout; nothing.py does not exist")
    user = [m.content for m in load_history(store, outcome.session_id) if m.role == "user"][0]
    assert user.startswith("Make greet in src/app.py shout")
    assert "## src/app.py\n```python\ndef greet(name):" in user
    assert "nothing.py" not in user.split("# Files named above")[1]
    # the turn's request is logged as the person wrote it
    assert store.turns(outcome.session_id)[0]["request"].endswith("does not exist")


async def test_attachments_keep_to_the_budget_and_refuse_links_out(repo, store, tmp_path, ctx):
    (repo / "big.py").write_text("x = 1\n" * 1000)
    (tmp_path / "secret.txt").write_text("KEY=1")
    (repo / "link.txt").symlink_to(tmp_path / "secret.txt")
    text, attached = attach_files("see big.py, link.txt and src/util.py", ctx, budget_bytes=100)
    assert attached == {"src/util.py": 10}
    assert "VALUE = 1" in text and "KEY=1" not in text
    assert "Not attached, too large: big.py" in text


async def test_a_profile_can_leave_the_tests_out_of_the_attachments(repo, store, tmp_path):
    (repo / "tests").mkdir()
    (repo / "tests" / "test_app.py").write_text("from src.app import greet\n" * 40)
    request = "Make tests/test_app.py pass by fixing src/app.py"
    for attach_tests, shown in ((True, True), (False, False)):
        session = open_scripted(repo, store, tmp_path, [{"content": "ok"}],
                                profiles={"default": {"attach_files_kb": 16,
                                                      "attach_tests": attach_tests}})  # fmt: skip
        outcome = await session.run(request)
        user = [m.content for m in load_history(store, outcome.session_id) if m.role == "user"][0]
        assert "## src/app.py" in user
        assert ("## tests/test_app.py" in user) is shown
        assert ("The tests, tests/test_app.py, are not shown" in user) is not shown


async def test_attachments_are_off_by_default(repo, store, tmp_path):
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}])
    outcome = await session.run("look at src/app.py")
    user = [m.content for m in load_history(store, outcome.session_id) if m.role == "user"][0]
    assert user == "look at src/app.py"


# --- erased repeats ----------------------------------------------------------------------


async def test_a_repeated_read_is_erased_and_the_model_asked_again(repo, store, tmp_path):
    read = call("read_file", path="src/util.py")
    session = open_scripted(repo, store, tmp_path, [read, read, {"content": "done"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    seen = watched(session)
    outcome = await session.run("read it")
    assert outcome.status == "completed" and outcome.steps == 3
    # the model saw one read and its result, then the hint; never the second read
    last = seen.requests[-1]
    assert [r for r, _ in last] == ["system", "user", "assistant", "tool", "user"]
    assert "already have the content of src/util.py" in last[-1][1]
    # the hint is shown once, not kept in the history
    assert not any("already have the content" in m.content for m in session.history)
    # the log keeps everything, marked; a resume loads what the model last saw
    logged = logged_messages(store, outcome.session_id)
    assert [(m.role, erased) for m, erased in logged] == [
        ("system", False), ("user", False), ("assistant", False), ("tool", False),
        ("assistant", True), ("tool", True), ("user", True), ("assistant", False),
    ]  # fmt: skip
    assert "already have the content of src/util.py" in logged[6][0].content  # the hint shown
    assert [m.role for m in load_history(store, outcome.session_id)] == [
        "system", "user", "assistant", "tool", "assistant",
    ]  # fmt: skip
    atif = session_to_atif(store, outcome.session_id)
    erased_steps = [s for s in atif["steps"] if s.get("extra", {}).get("reins", {}).get("erased")]
    assert [s["source"] for s in erased_steps] == ["agent", "user"]
    assert erased_steps[0]["tool_calls"][0]["function_name"] == "read_file"
    assert erased_steps[1]["extra"]["reins"]["nudge"]  # the hint, from the harness


async def test_a_read_after_an_edit_is_not_a_repeat(repo, store, tmp_path):
    read = call("read_file", path="src/util.py")
    edit = call("edit_file", path="src/util.py", old_string="1", new_string="2")
    session = open_scripted(repo, store, tmp_path, [read, edit, read, {"content": "done"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    outcome = await session.run("edit")
    assert not any(erased for _, erased in logged_messages(store, outcome.session_id))


async def test_a_repeated_failure_is_erased_with_its_error_in_the_hint(repo, store, tmp_path):
    bad = call("edit_file", path="src/util.py", old_string="nope", new_string="2")
    session = open_scripted(repo, store, tmp_path, [bad, bad, {"content": "gave up"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    seen, temperatures = watched(session), Temperatures(session)
    await session.run("edit")
    hint = seen.requests[-1][-1]
    assert hint[0] == "user" and hint[1].startswith("Your last edit_file call failed the same way")
    assert temperatures.seen == [None, None, 0.8]  # the failure's repeat is resampled hotter
    read = call("read_file", path="src/util.py")
    again = open_scripted(repo, store, tmp_path, [read, read, {"content": "done"}],
                          profiles={"default": {"erase_repeats": True}})  # fmt: skip
    temperatures = Temperatures(again)
    await again.run("read it")
    assert temperatures.seen == [None, None, None]  # a repeated read: the hint is enough


async def test_a_call_that_worked_and_came_back_after_its_hint_is_resampled_hotter(
    repo, store, tmp_path
):
    # seen: `python3 shipping.py 7.4 EU 120` run forty times; greedy, the hint alone did
    # not change the reply
    read = call("read_file", path="src/util.py")
    session = open_scripted(repo, store, tmp_path, [read, read, read, read, {"content": "done"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    temperatures = Temperatures(session)
    await session.run("read it")
    assert temperatures.seen == [None, None, None, 0.8, 0.8]


async def test_a_script_that_printed_nothing_is_answered_with_how_to_print_a_value(
    repo, store, tmp_path
):
    (repo / "shipping.py").write_text("def cost(kg):\n    return 2 * kg\n")
    # the script by its name, or by its full path in the workspace (seen: the same model
    # ran /tmp/…/shipping.py and got the generic hint)
    for script in ("shipping.py", f"{repo.resolve()}/shipping.py"):
        run = call("run_command", command=f"python3 {script} 7.4")
        session = open_scripted(repo, store, tmp_path, [run, run, {"content": "done"}],
                                profiles={"default": {"erase_repeats": True}})  # fmt: skip
        seen = watched(session)
        await session.run("What does `cost(7.4)` in `shipping.py` return?")
        hint = seen.requests[-1][-1][1]
        assert "it printed nothing" in hint, script
        assert 'python3 -c "from shipping import NAME; print(NAME(...))"' in hint


async def test_two_commands_run_in_turn_are_repeats_when_they_change_no_file(repo, store, tmp_path):
    # seen: `python3 rates.py` and `python3 -c "..."` in turn, forty times, never erased:
    # each run cleared the memory of what ran before, since a command may change files
    (repo / "rates.py").write_text("print(3)\n")
    a, b = call("run_command", command="python3 rates.py"), call("run_command", command="ls")
    session = open_scripted(repo, store, tmp_path, [a, b, a, {"content": "3"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    outcome = await session.run("What does rates.py print?")
    erased = [m for m, e in logged_messages(store, outcome.session_id) if e]
    assert [m.tool_calls[0].arguments["command"] for m in erased if m.role == "assistant"] == [
        "python3 rates.py"
    ]
    # a command that changes a file in between makes the same run no repeat
    touch = call("run_command", command="echo 4 > out.txt")
    session = open_scripted(repo, store, tmp_path, [a, touch, a, {"content": "3"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    outcome = await session.run("What does rates.py print?")
    assert not any(e for _, e in logged_messages(store, outcome.session_id))


async def test_erasing_is_bounded_per_turn(repo, store, tmp_path):
    read = call("read_file", path="src/util.py")
    session = open_scripted(repo, store, tmp_path, [read] * 14 + [{"content": "done"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    outcome = await session.run("loop")
    erased = [
        m for m, e in logged_messages(store, outcome.session_id) if e and m.role == "assistant"
    ]
    assert len(erased) == 8  # MAX_ERASES; then the repeats stay in the context


# --- the finish check ----------------------------------------------------------------


def finish(summary="done"):
    return call("finish", summary=summary)


async def test_finish_after_a_failing_command_is_answered_with_the_failure(repo, store, tmp_path):
    session = open_scripted(
        repo, store, tmp_path,
        [call("run_command", command="exit 3"), finish(), call("run_command", command="true"), finish()],
        profiles={"default": {"verify_finish": True, "finish_tool": True}},
    )  # fmt: skip
    outcome = await session.run("do it")
    assert outcome.status == "completed" and outcome.steps == 4
    tool_texts = [m.content for m in session.history if m.role == "tool"]
    assert tool_texts[1].startswith("not finished: the last run of `exit 3` failed (exit code 3)")
    assert [m.role for m in session.history].count("user") == 1  # no nudge on top of it


async def test_a_finish_let_through_after_the_pushbacks_says_it_is_not_verified(
    repo, store, tmp_path
):
    """The model's summary may say "the tests pass"; the person reads what reins saw."""
    session = open_scripted(
        repo, store, tmp_path,
        [call("run_command", command="exit 3"), finish("all tests pass")] + [finish("done")] * 2,
        profiles={"default": {"verify_finish": True, "finish_tool": True}},
    )  # fmt: skip
    outcome = await session.run("do it")
    assert outcome.status == "completed" and outcome.steps == 4
    assert outcome.final_message == (
        "done\n\n[reins: not verified: the last run of `exit 3` failed (exit code 3)]"
    )
    passed = open_scripted(
        repo, store, tmp_path, [call("run_command", command="true"), finish("done")],
        profiles={"default": {"verify_finish": True, "finish_tool": True}},
    )  # fmt: skip
    assert (await passed.run("do it")).final_message == "done"


async def test_finish_after_untested_changes_is_pushed_back_when_the_request_names_tests(
    repo, store, tmp_path
):
    edit = call("edit_file", path="src/util.py", old_string="1", new_string="2")
    script = [edit, finish(), finish(), finish()]
    profiles = {"default": {"verify_finish": True, "finish_tool": True}}
    named = open_scripted(repo, store, tmp_path, script, profiles=profiles)
    outcome = await named.run("set VALUE to 2; run pytest")
    assert outcome.steps == 4  # two push-backs at most, then finish is accepted
    texts = [m.content for m in named.history if m.role == "tool"]
    assert sum(t.startswith("not finished: you changed files") for t in texts) == 2
    (repo / "src/util.py").write_text("VALUE = 1\n")
    silent = open_scripted(repo, store, tmp_path, script, profiles=profiles)
    outcome = await silent.run("set VALUE to 2")
    assert outcome.steps == 2  # no test command named: nothing to insist on


# --- whole files first ----------------------------------------------------------------


async def test_rewriting_a_file_with_what_it_has_says_no_change_and_is_erased(
    repo, store, tmp_path
):
    same = call("write_file", path="src/util.py", content="VALUE = 1\n")
    session = open_scripted(repo, store, tmp_path, [same, same, {"content": "ok"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    seen = watched(session)
    await session.run("write")
    first = [m.content for m in session.history if m.role == "tool"][0]
    assert first == "no change: src/util.py already has exactly this content"
    assert seen.requests[-1][-1][1].startswith("You already called write_file")


async def test_write_first_starts_the_first_reply_as_the_named_files_block(repo, store, tmp_path):
    from reins.agent.hooks import ModelRequest, Turn
    from reins.agent.write_first import WriteFirst

    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}],
                            profiles={"default": {"attach_files_kb": 8}})  # fmt: skip
    hook = WriteFirst(max_bytes=100)
    turn = Turn(session, "fill in src/util.py", 1, 0.0, attached={"src/util.py": 10})
    request = ModelRequest([])
    hook.on_start(turn)
    hook.before_model(turn, request)
    assert request.prefill == "src/util.py\n```python\n"
    # a package's __init__ beside the module is the module's re-export, not the target
    turn = Turn(session, "fix it", 1, 0.0, attached={"src/__init__.py": 5, "src/util.py": 10})
    request = ModelRequest([])
    hook.on_start(turn)
    hook.before_model(turn, request)
    assert request.prefill == "src/util.py\n```python\n"
    for request_text, attached, steps in (
        ("fix it", {"src/util.py": 10, "src/app.py": 60}, 0),  # two files: no
        ("fix it", {"src/__init__.py": 5, "src/util.py": 10, "src/app.py": 60}, 0),
        ("fix it", {"src/util.py": 500}, 0),  # too large
        ("fix it", {"src/util.py": 10}, 1),  # not the first step
        ("What is VALUE in src/util.py?", {"src/util.py": 10}, 0),  # a question: no rewrite
        ("In src/util.py, is VALUE ever 3? Check.", {"src/util.py": 10}, 0),
        # the named file is input: the request asks for another file
        ("Count the lines of src/util.py; write the count to count.txt", {"src/util.py": 10}, 0),
        ("Write `dump.py`, which prints src/util.py, and run it: write dump.txt", {}, 0),
    ):
        turn = Turn(session, request_text, 1, 0.0, steps=steps, attached=attached)
        request = ModelRequest([])
        hook.on_start(turn)
        hook.before_model(turn, request)
        assert request.prefill is None


async def test_the_files_profile_writes_the_named_file_and_tests_when_told_how(
    repo, store, tmp_path
):
    block = {"content": "src/util.py\n```python\nVALUE = 2\n```"}
    test = call("run_command", command="python -m pytest -q || true")
    done = {"content": '```json\n{"name": "finish", "arguments": {"summary": "set"}}\n```'}
    session = open_scripted(repo, store, tmp_path, [block, test, done], profile="qwen-files")
    outcome = await session.run("set VALUE in src/util.py to 2, then run pytest")
    assert outcome.status == "completed" and outcome.final_message == "set"
    assert outcome.steps == 3
    assert (repo / "src/util.py").read_text() == "VALUE = 2\n"


async def test_with_no_test_command_the_turn_ends_with_the_write(repo, store, tmp_path):
    block = {"content": "src/util.py\n```python\nVALUE = 2\n```"}
    wander = call("run_command", command="git push origin master")
    session = open_scripted(repo, store, tmp_path, [block, wander], profile="qwen-files")
    outcome = await session.run("set VALUE in src/util.py to 2")
    assert (outcome.status, outcome.steps, outcome.final_message) == (
        "completed", 1, "wrote src/util.py",
    )  # fmt: skip


def test_paths_in_an_example_of_output_are_not_files_to_create(repo, store, tmp_path):
    # seen: "(e.g. `would run: mv logs/app.log logs/app.log.1`)" made logs/app.log a file
    # to create, so rotate.sh, the one file to change, was not the first reply's target
    session = open_scripted(repo, store, tmp_path, [], profile="qwen-files")
    ctx = session.executor.ctx
    example = "Print `would run: mv logs/app.log logs/app.log.1` for each file."
    assert new_files(example, ctx) == []
    for made in ("Write the count to `count.txt`.", "Run `python3 c.py > out.csv`.",
                 "Save it: `cp a.txt backup/a.txt`."):  # fmt: skip
        assert new_files(made, ctx) != [], made


def test_a_command_pasted_after_a_shell_prompt_is_the_requests_check():
    from reins.agent.request_shape import test_command

    # seen: "$ python3 check_pins.py" above a traceback; with no check the turn ended with
    # the first write, which still crashed on blank lines
    pasted = "It crashes:\n\n```\n$ python3 check_pins.py\nTraceback ...\n```\nFix it."
    assert test_command(pasted) == "python3 check_pins.py"
    assert test_command("```\n$ npm test\n> node test.js\n```\nRun `bash x.sh` too.") == "npm test"
    assert test_command("```\n$ ls -la\ntotal 0\n```") is None  # not a test or a script run
    assert test_command("It costs $ 5 per month.") is None


def test_of_several_test_commands_the_one_said_to_fail_is_the_check():
    from reins.agent.request_shape import test_command

    # seen (shapes mutable-default-arg): the first command given, one test that passes, was
    # run as the check, so the failure the request is about was never shown
    one_by_one = (
        "The tests pass one at a time (e.g. `python3 -m unittest test_cart.CartTest.test_one`)"
        ", but `python3 -m unittest test_cart` fails. Fix the code."
    )
    assert test_command(one_by_one) == "python3 -m unittest test_cart"
    assert test_command("`pytest -q a.py` crashes and `pytest -q` is slow.") == "pytest -q a.py"
    assert test_command("Run `pytest -q a.py`, then `pytest -q`.") == "pytest -q a.py"  # first
    # seen (shapes csv-semicolon-delimiter): the comma file's run, whose output "must not
    # change", was the check, so the fix for the pasted crash was never run
    pasted = (
        "It can't read them:\n\n```\n$ python3 totals.py de.csv\nTraceback (most recent "
        "call last):\nKeyError: 'region'\n```\n\nThe output for `python3 totals.py sales.csv`"
        " must not change."
    )
    assert test_command(pasted) == "python3 totals.py de.csv"
    assert test_command(pasted.replace("Traceback (most recent call last):\nKeyError", "ok")) == (
        "python3 totals.py sales.csv"
    )


def test_questions_are_told_from_requests():
    from reins.agent.request_shape import is_question

    for question in ("What is SECRET in config.py? Read it, then finish with the value.",
                     "explain how util.py works", "Why does test_x fail? Fix it.",
                     "  **Where** is VALUE set in util.py", "Please explain util.py.",
                     "Tell me what util.py does", "Look at util.py and say if it is safe",
                     "Hey, can you read util.py and summarize it", "compare a.py and b.py",
                     "Where is VALUE set, in util.py", "When does the cache expire, and why",
                     "When you get a chance, explain how config.py loads the settings.",
                     "When done, show me the diff of app.py"):  # fmt: skip
        assert is_question(question), question
    for request in ("# Instructions\n\nWrite your solution in leap.py. Is 1900 a leap year? No.",
                    "set VALUE in src/util.py to 2", "Implement double in util.py.",
                    "fill in src/util.py", "# List Ops\n\n## Instructions\n\nImplement them.",
                    "Count the rectangles in an ASCII diagram.", "Please fix the bug in util.py",
                    "Show the total in cart.py with two decimals",
                    "When the customer has a VAT ID, add a line under `Bill to:`.",
                    "Where a key is missing, fall back to 10."):  # fmt: skip
        assert not is_question(request), request


def test_shortfall_names_stub_functions_and_syntax_errors():
    from reins.agent.shortfall import shortfall

    assert shortfall("a.py", "def f(x):\n    return x\n") is None
    assert shortfall("a.py", "def f(x):\n    pass\n\ndef g():\n    '''Doc.'''\n    ...\n") == (
        "a.py still has functions with no implementation (body only `pass`): f, g."
    )
    assert "does not parse (line 1" in shortfall("a.py", "def f(:\n")
    fine = (
        "import abc\nclass A:\n    def __init__(self):\n        pass\n"
        "    @abc.abstractmethod\n    def run(self):\n        pass\n"
    )
    assert shortfall("a.py", fine) is None  # an empty constructor, an abstract method
    assert shortfall("a.js", "function f() {}") is None


async def test_a_first_write_that_is_still_a_stub_is_asked_for_once_more(repo, store, tmp_path):
    stub = {"content": "src/util.py\n```python\ndef value(x):\n    pass\n```"}
    real = {"content": "src/util.py\n```python\ndef value(x):\n    return 2 * x\n```"}
    session = open_scripted(repo, store, tmp_path, [stub, real, stub], profile="qwen-files")
    outcome = await session.run("implement value in src/util.py")
    assert (outcome.status, outcome.steps) == ("completed", 2)
    assert (repo / "src/util.py").read_text() == "def value(x):\n    return 2 * x\n"
    first = [m.content for m in session.history if m.role == "tool"][0]
    assert "still has functions with no implementation (body only `pass`): value" in first
    # only once: a second stub ends the turn as the write did
    (repo / "src/util.py").write_text("VALUE = 1\n")
    again = open_scripted(repo, store, tmp_path, [stub, stub, real], profile="qwen-files")
    outcome = await again.run("implement value in src/util.py")
    assert (outcome.status, outcome.steps) == ("completed", 2)


def test_script_options_are_the_long_options_a_request_gives_a_workspace_script():
    from reins.agent.request_shape import script_options

    assert script_options(
        "Add `--lines`: `python3 wc.py --lines FILE`, and `./tools/run.sh --dry-run=yes -v`."
    ) == {"wc.py": {"--lines"}, "tools/run.sh": {"--dry-run"}}
    # other programs' options, and what follows `--`, are not the script's
    assert script_options("run `pytest --maxfail=1` or `git commit --amend`") == {}
    assert script_options("`python3 app.py -- --raw`, `python3 -m pkg --x`") == {}
    assert script_options("Usage:\n\n    python3 cli.py export out.csv --tag python\n") == {
        "cli.py": {"--tag"}
    }
    # each command of a pipeline or chain has its own words
    assert script_options(
        "`python3 wc.py --lines f | sort --reverse`, `python3 gen.py | python3 wc.py --words`"
        ", `python3 a.py f && git commit --amend`, `./x.sh --all 2>/dev/null > out.txt`"
    ) == {"wc.py": {"--lines", "--words"}, "x.sh": {"--all"}}
    # an option the request takes away, or one every parser has, is not looked for
    assert script_options(
        "Remove the `--legacy` flag: `python3 app.py --legacy` should now exit 2. "
        "`python3 app.py --help` lists `python3 app.py --new`."
    ) == {"app.py": {"--new"}}


def test_unhandled_options_are_the_ones_the_script_never_mentions():
    from reins.agent.shortfall import options_note, unhandled_options

    request = "Add a `--verbose` flag: `python3 worker.py queue.json --verbose`."
    assert unhandled_options(request, "worker.py", "import logging\n") == ["--verbose"]
    assert options_note("worker.py", ["--verbose"]) == (
        "The task runs worker.py with `--verbose`, but worker.py never mentions it: "
        "handle that option."
    )
    for handled in (
        "parser.add_argument('-v', '--verbose', action='store_true')\n",
        'opts, rest = getopt.getopt(argv, "v", ["verbose"])\n',  # by its name in quotes
        "parseArgs({options: {'verbose': {type: 'boolean'}}})\n",
    ):
        assert unhandled_options(request, "worker.py", handled) == [], handled
    assert unhandled_options(request, "other.py", "x = 1\n") == []  # not the script run
    # argparse's BooleanOptionalAction makes --no-color of --color
    negated = "`python3 show.py --no-color`"
    assert unhandled_options(negated, "show.py", "p.add_argument('--color', action=B)") == []
    assert unhandled_options(negated, "show.py", "import sys\n") == ["--no-color"]
    # typer makes --verbose of a parameter named verbose
    assert unhandled_options(request, "worker.py", "import typer\n\ndef main(verbose):") == []
    # Django's manage.py hands the command line on: `python3 manage.py migrate --fake`
    manage = "from django.core.management import execute_from_command_line\n"
    assert unhandled_options("`python3 manage.py migrate --fake`", "manage.py", manage) == []


async def test_a_script_written_without_the_option_the_request_runs_it_with_is_asked_again(
    repo, store, tmp_path
):
    # seen: `--lines` asked for, and wc.py written with no `--lines` (the run "passed")
    (repo / "wc.py").write_text("import sys\nprint(len(open(sys.argv[1]).read().split()))\n")
    (repo / "notes.txt").write_text("one two\nthree\n")
    words = {
        "content": "wc.py\n```python\nimport sys\nprint(len(open(sys.argv[-1]).read().split()))\n```"
    }
    lines = {
        "content": "wc.py\n```python\nimport sys\ntext = open(sys.argv[-1]).read()\n"
        "print(len(text.splitlines()) if '--lines' in sys.argv else len(text.split()))\n```"
    }
    session = open_scripted(repo, store, tmp_path, [words, lines], profile="qwen-files")
    seen, temperatures = watched(session), Temperatures(session)
    outcome = await session.run(
        "Add a `--lines` option to wc.py: `python3 wc.py --lines notes.txt` prints the number "
        "of lines."
    )
    assert outcome.status == "completed" and "--lines" in (repo / "wc.py").read_text()
    # asked again without the version that lacked it (a small model copies it back), hotter
    assert seen.requests[1][-1] == (
        "user",
        "The task runs wc.py with `--lines`, but wc.py never mentions it: handle that option. "
        "Write the whole of wc.py again, complete.",
    )
    assert not any("split()))" in text for role, text in seen.requests[1] if role == "assistant")
    assert temperatures.seen == [None, 0.8]
    assert (
        "reins ran `python3 wc.py --lines notes.txt`: exit code 0]\n2"
        in ([m.content for m in session.history if m.role == "tool"][-1])
    )


def test_name_checks_find_missing_imports_and_names_the_file_dropped():
    from reins.agent.shortfall import shortfall

    stub = "LIMIT = 3\n\n\ndef total(xs):\n    pass\n\n\nclass Box:\n    def size(self):\n        pass\n"
    unsure = (
        "class Box:\n    def size(self):\n        return functools.reduce(add, [1], 0)\n\n\n"
        "def total(xs):\n    try:\n        return sum(xs)\n    except TypeError as error:\n"
        "        raise ValueError(str(error)) from error\n"
    )
    assert shortfall("m.py", unsure, stub, names=True) == (
        "m.py uses names it never defines or imports: add, functools. "
        "m.py no longer defines what it did before: LIMIT."
    )
    assert shortfall("m.py", unsure, stub) is None  # the switch is off by default
    whole = "import functools\nfrom operator import add\n\nLIMIT = 3\n" + unsure
    assert shortfall("m.py", whole, stub, names=True) is None
    dropped = "LIMIT = 3\n\n\ndef total(xs):\n    return sum(xs)\n\n\nclass Box:\n    pass\n"
    assert "no longer defines what it did before: Box.size" in shortfall(
        "m.py", dropped, stub, names=True
    )
    # anything may come from a star import; comprehension and lambda names are bound
    assert shortfall("m.py", "from math import *\nx = floor(2.5)\n", None, names=True) is None
    bound = "f = lambda n: [k * n for k in range(n)]\nprint(__name__, f(2))\n"
    assert shortfall("m.py", bound, None, names=True) is None


async def test_with_name_checks_a_missing_import_is_asked_for_once_more(repo, store, tmp_path):
    (repo / "src/util.py").write_text("def value(x):\n    pass\n")
    missing = {"content": "src/util.py\n```python\ndef value(x):\n    return math.floor(x)\n```"}
    whole = {"content": (
        "src/util.py\n```python\nimport math\n\n\ndef value(x):\n    return math.floor(x)\n```"
    )}  # fmt: skip
    on = {"qwen-files": {"name_checks": True}}
    session = open_scripted(repo, store, tmp_path, [missing, whole], profile="qwen-files",
                            profiles=on)  # fmt: skip
    outcome = await session.run("implement value in src/util.py")
    assert (outcome.status, outcome.steps) == ("completed", 2)
    assert (repo / "src/util.py").read_text().startswith("import math\n")
    first = [m.content for m in session.history if m.role == "tool"][0]
    assert "uses names it never defines or imports: math" in first
    (repo / "src/util.py").write_text("def value(x):\n    pass\n")
    off = open_scripted(repo, store, tmp_path, [missing, whole], profile="qwen-files")
    outcome = await off.run("implement value in src/util.py")
    assert (outcome.status, outcome.steps) == ("completed", 1)  # without it, the write ends it


TEST_UTIL = (
    "import unittest\nfrom util import double\n\n\nclass T(unittest.TestCase):\n"
    "    def test_double(self):\n        self.assertEqual(double(3), 6)\n"
)


async def test_tests_run_after_each_write_until_they_pass(repo, store, tmp_path):
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    wrong = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    session = open_scripted(repo, store, tmp_path, [wrong, right, wrong], profile="qwen-files")
    seen = watched(session)
    request = "Implement double in src/util.py; the tests in src/test_util.py run with `cd src && python3 -m unittest -q`."
    outcome = await session.run(request)
    assert (outcome.status, outcome.steps) == ("completed", 2)
    assert outcome.final_message.endswith("`cd src && python3 -m unittest -q` passes")
    assert (repo / "src/util.py").read_text() == "def double(x):\n    return 2 * x\n"
    first, second = [m.content for m in session.history if m.role == "tool"]
    assert "[reins ran `cd src && python3 -m unittest -q`: exit code 1]" in first
    assert "AssertionError: 5 != 6" in first and "write the whole file again" in first
    assert "exit code 0" in second
    # both files were attached; the stub, not the tests, was the file to write
    assert "## src/test_util.py" in seen.requests[0][1][1]


async def test_focus_failure_shows_the_first_failing_test_in_file_order(repo, store, tmp_path):
    """profile focus_failure: the run is shown as its first failing test by place in the
    file (the simplest case), its source and its failure, not the run's head and tail."""
    (repo / "src/test_util.py").write_text(
        TEST_UTIL.replace("def test_double", "def test_zero(self):\n        self.assertEqual("
                          "double(0), 0)\n\n    def test_double")
    )  # fmt: skip
    wrong = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    request = "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest`."
    notes = {}
    for on in (True, False):
        session = open_scripted(repo, store, tmp_path, [wrong] * 5, profile="qwen-files",
                                profiles={"qwen-files": {"focus_failure": on}})  # fmt: skip
        await session.run(request)
        notes[on] = [m.content for m in session.history if m.role == "tool"][0]
    assert "The first failing test of `cd src && python3 -m unittest` is test_zero" in notes[True]
    assert "; 1 other test(s) fail too." in notes[True]
    assert "Its source:\n```python\n    def test_zero(self):" in notes[True]
    assert "AssertionError: 2 != 0" in notes[True] and "5 != 6" not in notes[True]
    assert "so test_zero passes (the others may pass with it): write the whole file" in notes[True]
    assert "5 != 6" in notes[False] and "first failing test" not in notes[False]


async def test_rewrites_after_failing_tests_stop_at_the_profiles_test_rounds(repo, store, tmp_path):
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    wrong = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    worse = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 4\n```"}
    done = {"content": "", "tool_calls": [{"name": "finish", "arguments": {"summary": "x"}}]}
    request = (
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    prefills = []

    class Prefill(Hook):
        def before_model(self, turn, request):
            prefills.append(request.prefill)

    session = open_scripted(repo, store, tmp_path, [wrong, worse, done, done, done],
                            profile="qwen-files", profiles={"qwen-files": {"test_rounds": 1}})  # fmt: skip
    session.hooks.append(Prefill())
    await session.run(request)
    # the first reply and one rewrite start as the file's block; then the model's own step
    assert [bool(p) for p in prefills[:3]] == [True, True, False]
    notes = [m.content for m in session.history if m.role == "tool"]
    assert "write the whole file again" in notes[0] and "write the whole file again" not in notes[1]
    # finish after reins' own failing run is answered with that run, not "never ran the tests"
    assert notes[2].startswith(
        "not finished: the last run of `cd src && python3 -m unittest -q` failed (exit code 1)"
    )
    assert "AssertionError: 7 != 6" in notes[2]


def test_the_test_command_is_read_from_backticks():
    from reins.agent.request_shape import test_command

    assert (
        test_command("run them with `python3 -m unittest etl_test`.")
        == "python3 -m unittest etl_test"
    )
    assert test_command("see `etl.py`, then run `pytest -q tests/`") == "pytest -q tests/"
    assert test_command("make the tests pass") is None
    assert test_command("Run the suite with:\n\n    PYTHONPATH=src python3 -m pytest -q\n") == (
        "PYTHONPATH=src python3 -m pytest -q"
    )


def test_a_script_run_the_request_gives_is_its_check_when_no_tests_are_named():
    from reins.agent.request_shape import test_command

    assert test_command("Running `python3 report.py` crashes; see `report.py`.") == (
        "python3 report.py"
    )
    assert test_command("`bash backup.sh` fails") == "bash backup.sh"
    assert test_command("`./run.sh --fast` fails") == "./run.sh --fast"
    assert test_command("run `pytest -q`, and `python3 app.py` too") == "pytest -q"
    for usage in ("`python3 wc.py --lines FILE`", "`python3 x.py <path>`", "`x.py`",
                  "`python3 -c 'print(1)'`", "`bash x.sh [args]`", "`node a.js ...`"):  # fmt: skip
        assert test_command(f"Add an option: {usage}") is None, usage


async def test_a_fix_is_run_with_the_requests_script_until_it_works(repo, store, tmp_path):
    (repo / "report.py").write_text('total = 42\nprint("Total: " + total)\n')
    same = {"content": 'report.py\n```python\ntotal = 42\nprint("Total: " + total)\n```'}
    fixed = {"content": 'report.py\n```python\ntotal = 42\nprint(f"Total: {total}")\n```'}
    session = open_scripted(repo, store, tmp_path, [same, fixed], profile="qwen-files")
    outcome = await session.run("Running `python3 report.py` crashes with a TypeError. Fix it.")
    assert (outcome.status, outcome.steps) == ("completed", 2)
    assert outcome.final_message == "wrote report.py; `python3 report.py` passes"
    first = [m.content for m in session.history if m.role == "tool"][0]
    assert "[reins ran `python3 report.py`: exit code 1]" in first and "TypeError" in first
    assert "so `python3 report.py` works: write the whole file again" in first


async def test_an_identical_rewrite_of_a_failing_file_is_erased_and_resampled_hotter(
    repo, store, tmp_path
):
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    wrong = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    session = open_scripted(repo, store, tmp_path, [wrong, wrong, right], profile="qwen-files")
    temperatures = Temperatures(session)
    seen = watched(session)
    request = (
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    outcome = await session.run(request)
    assert (outcome.status, outcome.steps) == ("completed", 3)
    assert temperatures.seen == [None, None, 0.8]
    assert seen.requests[2][-1][1].startswith("src/util.py is still the version above")
    logged = logged_messages(store, outcome.session_id)
    assert [e for m, e in logged if m.role == "assistant"] == [False, True, False]
    assert [m.content for m, e in logged if e and m.role == "user"] == [seen.requests[2][-1][1]]


class ChangedReplies:
    """The scripted model, each finished reply passed through `change` (which edits it in
    place) before the session sees it."""

    def __init__(self, model, change):
        self.model, self.change = model, change

    def __getattr__(self, name):
        return getattr(self.model, name)

    async def stream(self, *args, **kwargs):
        async for event in self.model.stream(*args, **kwargs):
            if isinstance(event, ReplyDone):
                self.change(event.reply)
            yield event


def cut_at(marker):
    """A reply holding `marker` ends as the token limit ends it."""

    def change(reply):
        if marker in reply.message.content:
            reply.finish_reason = "length"

    return change


def with_alternatives(mark):
    """Replies marked the way the embedded model marks a greedy reply: `mark(text)` gives
    (offset, second-choice token, margin) per token."""

    def change(reply):
        reply.alternatives = mark(reply.message.content)

    return change


async def test_a_file_cut_at_the_token_limit_leaves_the_context_and_is_resampled_hotter(
    repo, store, tmp_path
):
    # say.py: one branch per number until the limit cut a line; kept in the context, the
    # greedy retry wrote the same cut file again and the budget went on the two
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    cut = {"content": "src/util.py\n```python\ndef double(x):\n    if x == 1:\n        return 2\n"
                      "    if x == 2:\n        return 4\n    if x =="}  # fmt: skip
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    session = open_scripted(repo, store, tmp_path, [cut, right], profile="qwen-files")
    session.model = ChangedReplies(session.model, cut_at("if x =="))
    temperatures, seen = Temperatures(session), watched(session)
    request = (
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    outcome = await session.run(request)
    assert (outcome.status, outcome.steps) == ("completed", 2)
    assert temperatures.seen == [None, 0.8]
    shown = [content for _, content in seen.requests[1]]
    assert not any("if x ==" in content for content in shown)  # the cut file is gone
    assert shown[-1].startswith(
        "Your last reply was cut off at the length limit before src/util.py"
    )
    logged = logged_messages(store, outcome.session_id)
    assert [e for m, e in logged if m.role == "assistant"] == [True, False]  # the log keeps it


async def test_a_complete_reply_that_does_not_parse_is_told_so_in_the_context(
    repo, store, tmp_path
):
    # not cut: the model's own syntax error stays in view with the parser's line
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    broken = {"content": "src/util.py\n```python\ndef double(x:\n    return 2 * x\n```"}
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    session = open_scripted(repo, store, tmp_path, [broken, right], profile="qwen-files")
    temperatures, seen = Temperatures(session), watched(session)
    request = (
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    outcome = await session.run(request)
    assert (outcome.status, outcome.steps) == ("completed", 2)
    assert temperatures.seen == [None, None]
    note = seen.requests[1][-1][1]
    assert "src/util.py does not parse (line 1" in note and "Write the whole file again" in note


class PrefillsAndTemperatures(Hook):
    """Keeps each model call's prefill and temperature, as WriteFirst left them."""

    def __init__(self, session):
        self.seen = []
        session.hooks.append(self)

    def before_model(self, turn, request):
        self.seen.append((request.prefill, request.temperature))


async def test_fork_rewrites_go_on_from_an_identical_reply_where_the_model_was_least_sure(
    repo, store, tmp_path
):
    """profile fork_rewrites: a hotter sample of a file the model can see comes back the
    same, so the identical reply is forked at its least sure code token (greedy after it)."""
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    wrong = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    text = wrong["content"]
    plus = text.index(" + 2")

    def mark(reply):
        if reply != text:
            return []
        return [
            (0, "lib", 0.0),  # the path line: not the file's code
            (text.index("def"), "`", 0.01),  # a fence
            (text.index("double"), "dou", 0.02),  # the same text, cut another way
            (text.index("    return"), "  ", 0.03),  # layout only
            (text.index("2\n```"), "2\n\n", 0.04),  # the same code, one more blank line
            (plus, " *", 0.4),  # the least sure code token left
            (text.index("2\n"), "3", 0.9),
        ]

    session = open_scripted(repo, store, tmp_path, [wrong, wrong, right], profile="qwen-files",
                            profiles={"qwen-files": {"fork_rewrites": True}})  # fmt: skip
    session.model = ChangedReplies(session.model, with_alternatives(mark))
    prefills = PrefillsAndTemperatures(session)
    request = (
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    outcome = await session.run(request)
    assert (outcome.status, outcome.steps) == ("completed", 3)
    opener = "src/util.py\n```python\n"
    assert prefills.seen == [(opener, None), (opener, None), (text[:plus] + " *", None)]
    assert (repo / "src/util.py").read_text() == "def double(x):\n    return 2 * x\n"


async def test_fork_rewrites_resample_hotter_when_the_model_gives_no_forks(repo, store, tmp_path):
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    wrong = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    session = open_scripted(repo, store, tmp_path, [wrong, wrong, right], profile="qwen-files",
                            profiles={"qwen-files": {"fork_rewrites": True}})  # fmt: skip
    temperatures = Temperatures(session)
    outcome = await session.run(
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    assert (outcome.status, outcome.steps) == ("completed", 3)
    assert temperatures.seen == [None, None, 0.8]


async def test_stop_when_stuck_ends_the_turn_when_a_failing_version_comes_back(
    repo, store, tmp_path
):
    """profile stop_when_stuck (on in qwen-files): once the resamples are spent, writing a
    version that already failed (whitespace aside) ends the turn with the failure instead of
    using the budget."""
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    wrong = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    spaced = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2   \n\n```"}
    other = {"content": "src/util.py\n```python\ndef double(x):\n    return x * 3\n```"}
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    # two identical rewrites use the resamples; a different failing version does not count;
    # the third copy of the first (trailing blanks added) ends the turn
    script = [wrong, wrong, wrong, other, spaced, right]
    session = open_scripted(repo, store, tmp_path, script, profile="qwen-files",
                            profiles={"qwen-files": {"stop_when_stuck": True, "restore_when_stuck": False}})  # fmt: skip
    outcome = await session.run(
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    assert (outcome.status, outcome.steps) == ("error", 5)
    assert outcome.final_message.startswith(
        "stopped: the model wrote a version of src/util.py that already failed "
        "`cd src && python3 -m unittest -q` (a failing version written again 3 times); that "
        "version's run failed (exit code 1): AssertionError: 5 != 6"
    )
    assert (repo / "src/util.py").read_text() == "def double(x):\n    return x + 2   \n\n"

    # off: the same script goes on to the version that passes
    (repo / "src/util.py").write_text("def double(x):\n    pass\n")
    session = open_scripted(repo, store, tmp_path, script, profile="qwen-files",
                            profiles={"qwen-files": {"stop_when_stuck": False}})  # fmt: skip
    outcome = await session.run(
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    assert (outcome.status, outcome.steps) == ("completed", 6)


async def test_stop_when_stuck_ends_on_the_version_that_passed_the_most_tests(
    repo, store, tmp_path
):
    """The turn ends on the best version seen (by the visible tests' summary), not on the
    repeated one: a user, and a grader, get the most that works."""
    (repo / "src/test_util.py").write_text(
        TEST_UTIL + "\n    def test_zero(self):\n        self.assertEqual(double(0), 0)\n"
    )
    half = {"content": "src/util.py\n```python\ndef double(x):\n    return x * 3\n```"}
    none = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    session = open_scripted(repo, store, tmp_path, [none, half, none, none, none],
                            profile="qwen-files", profiles={"qwen-files": {"stop_when_stuck": True}})  # fmt: skip
    outcome = await session.run(
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    assert outcome.status == "error"
    assert outcome.final_message.endswith(
        "[reins: put back the version of src/util.py that passed the most tests (50% of them, "
        "against 0%)]"
    )
    assert (repo / "src/util.py").read_text() == "def double(x):\n    return x * 3\n"


async def test_restore_when_stuck_puts_the_file_back_when_no_version_did_better(
    repo, store, tmp_path
):
    """profile restore_when_stuck: a stuck stop whose versions all did worse on the run than
    the file as it was leaves the file as it was (seen: a CLI that lost its default limit
    while --limit still failed), and keeps the best version when one did better."""
    (repo / "src/test_util.py").write_text(
        TEST_UTIL + "\n    def test_zero(self):\n        self.assertEqual(double(0), 0)\n"
    )
    before = "def double(x):\n    return x * 3\n"  # passes test_zero: 50%
    none = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    request = "Fix double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    restore = {"qwen-files": {"stop_when_stuck": True, "restore_when_stuck": True}}
    for on in (True, False):
        (repo / "src/util.py").write_text(before)
        profiles = {"qwen-files": {**restore["qwen-files"], "restore_when_stuck": on}}
        session = open_scripted(repo, store, tmp_path, [none] * 4, profile="qwen-files",
                                profiles=profiles)  # fmt: skip
        outcome = await session.run(request)
        assert outcome.status == "error"
        kept = (repo / "src/util.py").read_text()
        assert (kept == before) is on, kept
        assert (
            outcome.final_message.endswith(
                "[reins: put back src/util.py as it was: no version the model wrote did better on "
                "`cd src && python3 -m unittest -q` (1 of 2 tests passed before, 0% at best "
                "since); its versions are in the session log]"
            )
            is on
        )

    # a version that did better than the file as it was stays
    (repo / "src/util.py").write_text("def double(x):\n    return x + 1\n")  # 0%
    half = {"content": "src/util.py\n```python\ndef double(x):\n    return x * 3\n```"}
    session = open_scripted(repo, store, tmp_path, [none, half, none, none, none],
                            profile="qwen-files", profiles=restore)  # fmt: skip
    outcome = await session.run(request)
    assert (repo / "src/util.py").read_text() == "def double(x):\n    return x * 3\n"
    assert outcome.final_message.endswith("(50% of them, against 0%)]")


async def test_at_the_deadline_the_version_that_passed_the_most_tests_goes_back(
    repo, store, tmp_path
):
    """stop_when_stuck, when the budget runs out first: the file is not left at a version
    that passed fewer tests than an earlier one (seen: connect, 58% then 50% at 180 s)."""
    (repo / "src/test_util.py").write_text(
        TEST_UTIL + "\n    def test_zero(self):\n        self.assertEqual(double(0), 0)\n"
    )
    half = {"content": "src/util.py\n```python\ndef double(x):\n    return x * 3\n```"}
    none = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    request = "Fix double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."

    class LateThirdCall(Hook):
        calls = 0

        def before_model(self, turn, request):
            self.calls += 1
            if self.calls == 3:  # the model is slow: the budget runs out before this reply
                time.sleep(max(0.0, turn.deadline - asyncio.get_running_loop().time()) + 0.05)

    for on in (True, False):
        session = open_scripted(repo, store, tmp_path, [half, none, none], profile="qwen-files",
                                profiles={"qwen-files": {"stop_when_stuck": on}},
                                max_wall_s=3)  # fmt: skip
        session.hooks.append(LateThirdCall())
        outcome = await session.run(request)
        assert outcome.status == "budget"
        kept = (repo / "src/util.py").read_text()
        assert (kept == "def double(x):\n    return x * 3\n") is on, kept
        assert (
            outcome.final_message.endswith(
                "[reins: put back the version of src/util.py that passed the most tests "
                "(50% of them, against 0%)]"
            )
            is on
        )


async def test_restore_when_stuck_says_how_a_script_ran_before(repo, store, tmp_path):
    # seen (shapes node-cli-limit-flag): `--limit 3` never handled, and the last version had
    # lost `.slice(0, TOP)`, so the default of 10 broke too; the file as it was keeps that
    worse = {"content": "top.py\n```python\nimport sys\nsys.exit(2)\n```"}
    profiles = {"qwen-files": {"stop_when_stuck": True, "restore_when_stuck": True}}
    for exit_code, said in ((2, "it failed before too"), (0, "it exited 0 before")):
        before = f"import sys\nprint(sys.argv[1:])\nsys.exit({exit_code})\n"
        (repo / "top.py").write_text(before)
        session = open_scripted(repo, store, tmp_path, [worse] * 6, profile="qwen-files",
                                profiles=profiles)  # fmt: skip
        outcome = await session.run(
            "Add a --limit option to top.py: `python3 top.py --limit 3` fails."
        )
        assert outcome.status == "error"
        assert (repo / "top.py").read_text() == before
        assert outcome.final_message.endswith(
            "[reins: put back top.py as it was: no version the model wrote did better on "
            f"`python3 top.py --limit 3` ({said}); its versions are in the session log]"
        )

    # too near the deadline to run the file as it was: the stop leaves the model's version
    (repo / "top.py").write_text(before)
    session = open_scripted(repo, store, tmp_path, [worse] * 6, profile="qwen-files",
                            profiles=profiles, max_wall_s=25)  # fmt: skip
    outcome = await session.run("Add a --limit option to top.py: `python3 top.py --limit 3` fails.")
    assert outcome.status == "error" and "put back" not in outcome.final_message
    assert (repo / "top.py").read_text() == "import sys\nsys.exit(2)\n"


async def test_stop_when_stuck_forgets_failed_versions_once_another_file_changes(
    repo, store, tmp_path
):
    """The same version of the file may pass after the model changed what it imports."""
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    wrong = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    helper = call("write_file", path="src/helper.py", content="TWO = 2\n")
    request = (
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    stuck = {"qwen-files": {"stop_when_stuck": True}}
    session = open_scripted(repo, store, tmp_path, [wrong, wrong, wrong, wrong, right],
                            profile="qwen-files", profiles=stuck)  # fmt: skip
    assert (await session.run(request)).status == "error"
    (repo / "src/util.py").write_text("def double(x):\n    pass\n")
    session = open_scripted(repo, store, tmp_path, [wrong, wrong, wrong, helper, wrong, right],
                            profile="qwen-files", profiles=stuck)  # fmt: skip
    outcome = await session.run(request)
    assert outcome.status == "completed", outcome.final_message


async def test_fresh_rewrites_take_every_failing_version_out_of_the_context(repo, store, tmp_path):
    """profile fresh_rewrites: the model copies the failing version it can see, so an
    identical rewrite erases it all (back to the first write) and asks anew, hot, with the
    failures in the hint."""
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    wrong = {"content": "src/util.py\n```python\ndef double(x):\n    return x + 2\n```"}
    other = {"content": "src/util.py\n```python\ndef double(x):\n    return x * 3\n```"}
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    session = open_scripted(repo, store, tmp_path, [wrong, other, other, right],
                            profile="qwen-files", profiles={"qwen-files": {"fresh_rewrites": True}})  # fmt: skip
    seen = watched(session)
    request = (
        "Implement double in src/util.py; run the tests with `cd src && python3 -m unittest -q`."
    )
    outcome = await session.run(request)
    assert (outcome.status, outcome.steps) == ("completed", 4)
    last = seen.requests[3]
    hint = last[-1][1]
    assert hint.startswith("Your version of src/util.py failed `cd src && python3 -m unittest -q`")
    assert "AssertionError: 9 != 6" in hint and "different implementation" in hint
    # neither failing version is in the context any more: only the request and the hint
    shown = "\n".join(str(content) for _, content in last)
    assert "x + 2" not in shown and "x * 3" not in shown
    logged = logged_messages(store, outcome.session_id)
    assert [e for m, e in logged if m.role == "assistant"] == [True, True, True, False]
    assert (repo / "src/util.py").read_text() == "def double(x):\n    return 2 * x\n"


def test_long_test_output_keeps_its_start_and_its_summary():
    from reins.agent.test_runs import excerpt

    output = "FAIL: test_one\n" + "x" * 5000 + "\nFAILED (failures=3)"
    shown = excerpt(output)
    assert shown.startswith("FAIL: test_one") and shown.endswith("FAILED (failures=3)")
    assert len(shown) < 2000 and "characters …]" in shown


async def test_an_async_after_tools_hook_runs_within_the_deadline_and_keeps_real_results(
    repo, store, tmp_path
):
    import asyncio

    class SlowCheck(Hook):
        async def after_tools(self, turn, plan, executed):
            await asyncio.sleep(5)

    read = call("read_file", path="src/util.py")
    session = open_scripted(repo, store, tmp_path, [read, {"content": "ok"}], max_wall_s=0.5)
    session.hooks.append(SlowCheck())
    outcome = await session.run("read")
    assert outcome.status == "budget" and outcome.wall_s < 2
    result = [m for m in load_history(store, outcome.session_id) if m.role == "tool"][0]
    assert "VALUE = 1" in result.content  # the call did finish: its result is kept, not "Timeout"


# --- the tests run before the first step ---------------------------------------------------


class Prefills(Hook):
    def __init__(self):
        self.prefills = []

    def before_model(self, turn, request):
        self.prefills.append(request.prefill)


async def test_a_request_that_gives_a_test_command_but_no_file_starts_from_the_failure(
    repo, store, tmp_path
):
    # the demo's shape: "the tests fail, run X, fix the bug" names no file; reins runs X
    # first and attaches the code file its traceback points at, so the first reply is the fix
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    (repo / "src/util.py").write_text("def double(x):\n    return x + 2\n")
    right = {"content": "src/util.py\n```python\ndef double(x):\n    return 2 * x\n```"}
    session = open_scripted(repo, store, tmp_path, [right], profile="qwen-files")
    seen, prefills = watched(session), Prefills()
    session.hooks.append(prefills)
    request = "The tests fail (run them with `cd src && python3 -m unittest -q`). Fix the bug."
    outcome = await session.run(request)
    assert (outcome.status, outcome.steps) == ("completed", 1)
    assert (repo / "src/util.py").read_text() == "def double(x):\n    return 2 * x\n"
    first = seen.requests[0]
    assert [role for role, _ in first[-2:]] == ["user", "user"] and first[-2][1] == request
    ran = first[-1][1]
    assert ran.startswith(
        "[reins ran `cd src && python3 -m unittest -q` before your first step: exit code 1]"
    )
    assert 'File "src/test_util.py", line 7' in ran  # the workspace path taken off
    # an assertion's traceback names only the test: the module it imports comes first
    attached = ran.split("# Files the output names")[1]
    assert attached.index("## src/util.py\n```python\ndef double(x):\n    return x + 2\n```") < (
        attached.index("## src/test_util.py")
    )
    assert prefills.prefills == ["src/util.py\n```python\n"]
    # the log keeps the request as written and the test run as a message of its own
    assert store.turns(outcome.session_id)[0]["request"] == request
    assert ran in [m.content for m in load_history(store, outcome.session_id)]


async def test_a_request_that_names_only_tests_still_has_them_run_first(repo, store, tmp_path):
    # a mutate task lists the failing tests: the code they fail in is still to be found
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    (repo / "src/util.py").write_text("def double(x):\n    return x + 2\n")
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files")
    seen = watched(session)
    await session.run("src/test_util.py fails; run `cd src && python3 -m unittest -q`.")
    ran = seen.requests[0][-1][1]
    assert ran.startswith("[reins ran `cd src && python3 -m unittest -q` before")
    assert "## src/util.py" in ran and "## src/test_util.py" not in ran  # attached already


async def test_a_test_command_that_outlives_the_turn_ends_it_on_time(repo, store, tmp_path):
    import time

    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files",
                            max_wall_s=1.0)  # fmt: skip
    started = time.monotonic()
    outcome = await session.run("The tests fail: run `sleep 30; python3 -m pytest -q`.")
    assert (outcome.status, outcome.steps) == ("budget", 0)
    assert time.monotonic() - started < 10


async def test_the_tests_run_first_only_where_the_profile_says_and_no_code_file_is_named(
    repo, store, tmp_path
):
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    for profile, request in (
        ("qwen", "The tests fail (run them with `cd src && python3 -m unittest -q`)."),
        ("qwen-files", "The tests fail. Fix the bug."),
        ("qwen-files", "Fix src/util.py (run the tests with `cd src && python3 -m unittest -q`)."),
    ):
        session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile=profile)
        seen = watched(session)
        await session.run(request)
        assert not any("[reins ran" in text for _, text in seen.requests[0])


async def test_the_modules_a_test_file_imports_are_found_beside_it_and_at_the_root(repo, ctx):
    from reins.agent.preflight import imported_modules

    (repo / "pkg").mkdir()
    (repo / "pkg/__init__.py").write_text("")
    (repo / "pkg/core.py").write_text("X = 1\n")
    (repo / "src/helpers.py").write_text("Y = 2\n")
    (repo / "src/test_x.py").write_text(
        "import os\nimport pkg.core\nfrom helpers import Y\nfrom . import util\n"
        "from missing import z\nimport test_x\n"
    )
    assert imported_modules("src/test_x.py", ctx) == [
        "pkg/core.py", "src/helpers.py", "src/util.py",
    ]  # fmt: skip
    (repo / "src/test_bad.py").write_text("def broken(:\n")
    assert imported_modules("src/test_bad.py", ctx) == []
    assert imported_modules("src/test_x.js", ctx) == []


async def test_a_src_layout_and_javascript_requires_lead_to_the_code_a_test_runs(repo, ctx):
    # tests/test_stock.py imports `inventory` from src/ (the src layout); a Node test.js
    # requires "./src", whose index gathers the modules where the code is
    from reins.agent.attachments import TEST_FILE
    from reins.agent.preflight import imported_modules

    (repo / "src/inventory").mkdir()
    (repo / "src/inventory/__init__.py").write_text("from .stock import Warehouse\n")
    (repo / "src/inventory/stock.py").write_text("class Warehouse: ...\n")
    (repo / "tests").mkdir()
    (repo / "tests/test_stock.py").write_text("from inventory import Warehouse\n")
    assert imported_modules("tests/test_stock.py", ctx) == ["src/inventory/__init__.py"]
    (repo / "src/index.js").write_text('module.exports = { ...require("./format") };\n')
    (repo / "src/format.js").write_text("exports.formatPrice = (c) => `$${c / 100}`;\n")
    (repo / "test.js").write_text(
        'const assert = require("node:assert");\nconst { formatPrice } = require("./src");\n'
        'import "./missing";\n'
    )
    assert imported_modules("test.js", ctx) == ["src/index.js"]
    assert imported_modules("src/index.js", ctx) == ["src/format.js"]
    from reins.agent.preflight import is_script_index

    assert is_script_index("src/index.js") and not is_script_index("docs/index.py")
    # a bare test.js or tests.py is a test file, not the code to fix
    assert all(TEST_FILE.search(p) for p in ("test.js", "tests.py", "a.spec.ts", "b_spec.rb"))
    assert not any(TEST_FILE.search(p) for p in ("latest.js", "contest.py", "src/format.js"))


@pytest.mark.parametrize("profile", ["qwen-files", "default"])
async def test_files_the_request_says_to_leave_alone_are_not_written(
    repo, store, tmp_path, profile
):
    # told "Don't touch the tests", the embedded model rewrote the failing assertion
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    (repo / "src/util.py").write_text("def double(x):\n    return x + 2\n")
    call = {"name": "write_file", "arguments": {"path": "src/test_util.py", "content": "x = 1\n"}}
    readme = {"name": "write_file", "arguments": {"path": "./README.md", "content": "new\n"}}
    full = f"{repo.resolve()}/src/../README.md"  # the same file by its full path
    again = {"name": "write_file", "arguments": {"path": full, "content": "new\n"}}
    session = open_scripted(repo, store, tmp_path, [
        {"content": "", "tool_calls": [call]},
        {"content": "", "tool_calls": [readme]},
        {"content": "", "tool_calls": [again]},
        {"content": "", "tool_calls": [{"name": "finish", "arguments": {"summary": "gave up"}}]},
        {"content": "gave up"},
    ], profile=profile)  # fmt: skip
    seen = watched(session)
    await session.run(
        "`cd src && python3 -m unittest -q` fails. The tests are right; don't touch the tests, "
        "and leave README.md as it is."
    )
    assert (repo / "src/test_util.py").read_text() == TEST_UTIL
    assert (repo / "README.md").read_text() == "# demo\n"
    answers = "\n".join(text for _, text in seen.requests[2])
    assert "refused: src/test_util.py is a test file" in answers
    assert "refused: the request says not to change README.md" in answers
    from reins.agent.attachments import keeps_tests

    assert keeps_tests("Don't change any of the tests.") and keeps_tests("without touching tests")
    assert not keeps_tests("They are restored before grading, so changing them does not help.")
    assert not keeps_tests("Add tests for the parser; don't change parser.py.")
    # a mutate task's wording, and SWE-bench's: seen, the embedded model rewrote the test
    # file it was told was right until the doom-loop guard ended the run
    assert keeps_tests("The bug is in the library code, not in the tests: the test files are")
    assert keeps_tests("the bug is in parser.py, not in the tests")
    assert keeps_tests("you DON'T have to modify the testing logic or any of the tests")
    # seen (shapes mutable-default-arg): told this, the model edited an assertion's number
    # one by one until the 180 s ran out
    assert keeps_tests("Please find the bug and fix it in the code, not in the tests.")
    assert not keeps_tests("The fix is in the tests. Not in the tests dir, though.")


async def test_a_patch_that_touches_a_kept_file_is_refused_whole(repo, store, tmp_path):
    (repo / "src/test_util.py").write_text(TEST_UTIL)
    (repo / "src/util.py").write_text("def double(x):\n    return x + 2\n")
    patch = (
        "*** Begin Patch\n*** Update File: src/util.py\n@@\n-    return x + 2\n+    return x * 2\n"
        "*** Update File: src/test_util.py\n@@\n-import unittest\n+import unittest as u\n"
        "*** End Patch"
    )
    session = open_scripted(repo, store, tmp_path, [
        {"content": "", "tool_calls": [{"name": "apply_patch", "arguments": {"patch": patch}}]},
        {"content": "", "tool_calls": [{"name": "finish", "arguments": {"summary": "gave up"}}]},
        {"content": "gave up"},
    ], profile="default")  # fmt: skip
    seen = watched(session)
    await session.run("`cd src && python3 -m unittest -q` fails. Don't touch the tests.")
    assert (repo / "src/test_util.py").read_text() == TEST_UTIL
    assert (repo / "src/util.py").read_text() == "def double(x):\n    return x + 2\n"
    answers = "\n".join(text for _, text in seen.requests[1])
    assert "refused: src/test_util.py is a test file" in answers
    assert "None of the patch was applied" in answers


async def test_a_failing_test_that_imports_from_a_package_gets_the_module_defining_it(
    repo, store, tmp_path
):
    # seen on the shapes suite: only stats/__init__.py was attached, and the model
    # "fixed" median by defining another one there
    (repo / "stats").mkdir()
    (repo / "stats/__init__.py").write_text("from .summary import median\nfrom .extra import *\n")
    (repo / "stats/summary.py").write_text("def median(xs):\n    return xs[len(xs) // 2 + 1]\n")
    (repo / "stats/extra.py").write_text("def spread(xs):\n    return max(xs) - min(xs)\n")
    (repo / "stats/unused.py").write_text("def other():\n    pass\n")
    (repo / "test_stats.py").write_text(
        "import unittest\nfrom stats import median, spread\n\n\nclass T(unittest.TestCase):\n"
        "    def test_median(self):\n        self.assertEqual(median([1, 2, 3]) + spread([1, 3]), 4)\n"
    )
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files")
    seen = watched(session)
    await session.run("The tests fail: run `python3 -m unittest test_stats` and fix the bug.")
    shown = "\n".join(text for _, text in seen.requests[0])
    assert "## stats/summary.py" in shown and "## stats/extra.py" in shown
    assert "stats/unused.py" not in shown


async def test_a_failing_test_that_calls_a_package_through_its_alias_gets_the_definition(
    repo, store, tmp_path
):
    # seen on a mutate task: `import more_itertools as mi` ... `mi.sample(...)` attached only
    # the package's __init__ (`from .more import *`), which the model wrote back three times
    (repo / "pkg").mkdir()
    (repo / "pkg/__init__.py").write_text(
        '"""Tools."""\nfrom .core import *  # noqa\nfrom .extra import *\n__version__ = "1.0"\n'
    )
    filler = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(2000))
    (repo / "pkg/core.py").write_text(
        filler + "def scale(xs, k):\n    return [x + k for x in xs]\n"
    )
    (repo / "pkg/extra.py").write_text("def spread(xs):\n    return max(xs) - min(xs)\n")
    (repo / "test_pkg.py").write_text(
        "import unittest\nimport pkg as p\n\n\nclass T(unittest.TestCase):\n"
        "    def test_scale(self):\n        self.assertEqual(p.scale([1, 2], 3), [3, 6])\n"
    )
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files")
    seen = watched(session)
    await session.run("The tests fail: run `python3 -m unittest test_pkg` and fix the bug.")
    shown = "\n".join(text for _, text in seen.requests[0])
    assert "## pkg/core.py (lines" in shown and "def scale(xs, k):" in shown
    assert "def helper_7(" not in shown  # cut to what the failing test calls
    assert "## pkg/__init__.py" not in shown and "pkg/extra.py" not in shown
    # an __init__ the output names (an import error's frame) is where the fix goes: it stays
    (repo / "pkg/__init__.py").write_text("from .core import scale, scael\n")
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files")
    seen = watched(session)
    await session.run("The tests fail: run `python3 -m unittest test_pkg` and fix the bug.")
    shown = "\n".join(text for _, text in seen.requests[0])
    assert "## pkg/__init__.py" in shown


async def test_a_rerun_whose_output_differs_only_in_timings_and_addresses_is_a_repeat(
    repo, store, tmp_path
):
    # seen on a mutate task: the same failing pytest six times in a row, each output
    # different only in "in 1.49s" and "at 0x7f5d…", so no repeat was noticed
    command = (
        'python3 -c "import time; print(object()); '
        "print('1 failed in %.6fs' % time.perf_counter()); raise SystemExit(1)\""
    )
    run = call("run_command", command=command)
    session = open_scripted(repo, store, tmp_path, [run, run, {"content": "done"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    seen = watched(session)
    outcome = await session.run("run it")
    hint = seen.requests[-1][-1]
    assert hint[0] == "user" and hint[1].startswith("You already ran this command")
    assert [e for m, e in logged_messages(store, outcome.session_id) if m.role == "tool"] == [
        False, True,
    ]  # fmt: skip
    other = call("run_command", command="python3 -c \"print('x')\"")
    session = open_scripted(repo, store, tmp_path, [run, other, {"content": "done"}],
                            profiles={"default": {"erase_repeats": True}})  # fmt: skip
    outcome = await session.run("run them")
    assert not any(erased for _, erased in logged_messages(store, outcome.session_id))


BIG_MODULE = (
    "".join(f"def helper_{i}(x):\n    return x + {i}\n\n\n" for i in range(60))
    + "@staticmethod\ndef double(x):\n    y = x\n    return y - y\n\n\n"
    + "".join(f"def tail_{i}(x):\n    return x * {i}\n\n\n" for i in range(60))
)
BIG_TESTS = (
    "import unittest\nfrom util import double\n\n\n"
    + "".join(f"def test_other_{i}():\n    assert {i} == {i}\n\n\n" for i in range(120))
    + "def test_double():\n    assert double(3) == 6\n"
)


async def test_a_large_file_the_traceback_ends_in_is_attached_as_the_failing_function(
    repo, store, tmp_path
):
    # a mutate task names its failing test by node id; the bug is in a module too large
    # to attach whole: the test is cut to the one named, the module to the failing function
    (repo / "src/util.py").write_text(BIG_MODULE)
    (repo / "src/test_util.py").write_text(BIG_TESTS)
    assert len(BIG_MODULE) > 2048 and len(BIG_TESTS) > 4096
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files",
                            profiles={"qwen-files": {"attach_files_kb": 2}})  # fmt: skip
    seen = watched(session)
    await session.run(
        "These tests fail: `src/test_util.py::test_double`. Run `cd src && python3 -m pytest -q`."
    )
    request, ran = seen.requests[0][-2][1], seen.requests[0][-1][1]
    tests = len(BIG_TESTS.splitlines())
    assert f"## src/test_util.py (lines {tests - 1}-{tests} of {tests}; the rest is" in request
    assert "def test_double():\n    assert double(3) == 6" in request
    assert "test_other_1()" not in request
    assert ran.startswith("[reins ran `cd src && python3 -m pytest -q`")
    # the whole function at the failing line, decorator included, and no other
    total, at = len(BIG_MODULE.splitlines()), 60 * 4 + 1
    assert f"## src/util.py (lines {at}-{at + 3} of {total:,}; the rest is not shown)" in ran
    assert "# ...\n@staticmethod\ndef double(x):\n    y = x\n    return y - y\n# ..." in ran
    assert "helper_3" not in ran and "Not attached, too large" not in ran


def test_test_output_is_shown_without_progress_dots_and_warnings():
    from reins.agent.test_runs import excerpt

    output = (
        "......more_itertools/more.py:1742: DeprecationWarning: zip_equal is old\n"
        "  warnings.warn(\n"
        "........................F.s..\n"
        "tests/test_a.py ..F                                 [ 40%]\n"
        "FAIL: test_x (tests.test_a.T.test_x)\n"
        "    ...\n"
        "AssertionError: 1 != 2\n"
        "Ran 3 tests in 0.1s\n"
    )
    assert excerpt(output) == (
        "tests/test_a.py ..F                                 [ 40%]\n"
        "FAIL: test_x (tests.test_a.T.test_x)\n"
        "    ...\n"
        "AssertionError: 1 != 2\n"
        "Ran 3 tests in 0.1s\n"
        "(1 warning line(s) left out)"
    )


async def test_one_read_cannot_overflow_a_small_window(repo, store, tmp_path):
    # seen: a 37 KB read_file in a 16k-token session; the next model call did not fit
    (repo / "src/big.py").write_text(
        "".join(f"x_{i} = {i}  # some padding here\n" for i in range(2000))
    )
    read = call("read_file", path="src/big.py")
    for n_ctx, limit in ((2048, 2048), (None, 100_000)):
        session = open_scripted(repo, store, tmp_path, [read, {"content": "done"}],
                                profiles={"default": {"n_ctx": n_ctx}})  # fmt: skip
        outcome = await session.run("read it")
        result = [
            m.content for m, _ in logged_messages(store, outcome.session_id) if m.role == "tool"
        ][0]
        if n_ctx is None:  # no window known: the tool's own limit, the whole file here
            assert len(result) > 50_000 and "truncated" not in result
        else:
            assert len(result) <= limit + 100 and "call read_file with start_line=" in result


# --- self-check on the task's examples (no test command) ---------------------------------

SELF_CHECK = {"qwen-files": {"self_check": True}}
DOUBLE_REQUEST = "Implement double in src/util.py. Examples: double(3) is 6, double(0) is 0."


def block(path, code):
    return {"content": f"{path}\n```python\n{code}```"}


async def self_checked(repo, store, tmp_path, script):
    """DOUBLE_REQUEST run under qwen-files with self_check on, the model replying `script`."""
    session = open_scripted(
        repo, store, tmp_path, script, profile="qwen-files", profiles=SELF_CHECK
    )
    return await session.run(DOUBLE_REQUEST)


async def test_a_failing_example_asks_for_the_file_again_until_the_examples_pass(
    repo, store, tmp_path
):
    check = block(
        "src/check_util.py",
        "from util import double\nassert double(3) == 6\nassert double(0) == 0\n",
    )
    script = [block("src/util.py", "def double(x):\n    return x + 2\n"), check,
              block("src/util.py", "def double(x):\n    return 2 * x\n")]  # fmt: skip
    session = open_scripted(
        repo, store, tmp_path, script, profile="qwen-files", profiles=SELF_CHECK
    )
    seen = watched(session)
    outcome = await session.run(DOUBLE_REQUEST)
    assert (outcome.status, outcome.steps) == ("completed", 3)
    assert outcome.final_message == "wrote src/util.py; its examples pass"
    asked_for_check = seen.requests[1][-1][1]
    assert "write src/check_util.py" in asked_for_check and "from util" in asked_for_check
    ran = seen.requests[2][-1][1]  # what the model sees before its rewrite: actual and expected
    assert "FAIL assert double(3) == 6  -> got 5, expected 6" in ran
    assert "FAIL assert double(0) == 0  -> got 2, expected 0" in ran and "0 passed, 2 failed" in ran
    assert (repo / "src/util.py").read_text() == "def double(x):\n    return 2 * x\n"
    assert not (repo / "src/check_util.py").exists()  # the scratch file is removed


async def test_the_version_that_failed_fewest_examples_is_kept(repo, store, tmp_path):
    check = block(
        "src/check_util.py",
        "from util import double\nassert double(3) == 6\nassert double(0) == 0\n",
    )
    half = "def double(x):\n    return 6 if x == 3 else 1\n"
    script = [block("src/util.py", half), check,
              block("src/util.py", "def double(x):\n    return x + 2\n"),
              block("src/util.py", "def double(x):\n    return x - 1\n")]  # fmt: skip
    outcome = await self_checked(repo, store, tmp_path, script)
    assert (outcome.status, outcome.steps) == ("completed", 4)
    assert outcome.final_message == "wrote src/util.py; 2 of 2 of its examples still fail"
    assert (repo / "src/util.py").read_text() == half
    tool_results = [m.content for m in load_history(store, outcome.session_id) if m.role == "tool"]
    assert "put back the version of src/util.py that failed 1 example(s)" in tool_results[-1]


async def test_a_check_that_cannot_run_leaves_the_file_as_written(repo, store, tmp_path):
    broken = block("src/check_util.py", "from util import triple\nassert triple(1) == 3\n")
    right = "def double(x):\n    return 2 * x\n"
    script = [block("src/util.py", right), broken, {"content": "never asked"}]
    outcome = await self_checked(repo, store, tmp_path, script)
    assert (outcome.status, outcome.steps, outcome.final_message) == (
        "completed",
        2,
        "wrote src/util.py",
    )
    assert (repo / "src/util.py").read_text() == right
    assert not (repo / "src/check_util.py").exists()


async def test_a_file_of_the_users_with_the_checks_name_is_never_overwritten(repo, store, tmp_path):
    (repo / "src/check_util.py").write_text("# mine\n")
    script = [block("src/util.py", "def double(x):\n    return 2 * x\n"), {"content": "never"}]
    outcome = await self_checked(repo, store, tmp_path, script)
    assert (outcome.status, outcome.steps) == ("completed", 1)
    assert (repo / "src/check_util.py").read_text() == "# mine\n"


async def test_each_example_is_run_apart_and_an_exception_is_one_failure(ctx):
    from reins.agent.self_check import run_check

    (ctx.workspace.root / "src/util.py").write_text("def half(x):\n    return 10 // x\n")
    (ctx.workspace.root / "src/check_util.py").write_text(
        "from util import half\nassert half(0) == 0\nassert half(5) == 2\nassert half(2) > 9\n"
    )
    result = await run_check(ctx, "src/check_util.py")
    assert (result.passed, result.failed, result.broken) == (1, 2, False)
    assert (
        "FAIL assert half(0) == 0  -> raised ZeroDivisionError: integer division or modulo by zero"
        in result.output
    )
    assert "FAIL assert half(2) > 9  -> it is false" in result.output


async def test_a_rewrite_that_fails_as_many_examples_gives_way_to_the_first_version(
    repo, store, tmp_path
):
    """The examples are the model's own and may be wrong: only a rewrite that fails fewer
    stays, and the model writing its file back unchanged ends the turn."""
    check = block(
        "src/check_util.py",
        "from util import double\nassert double(3) == 6\nassert double(1) == 5\n",
    )
    first = "def double(x):\n    return 2 * x\n"
    bent = "def double(x):\n    return 5 if x == 1 else 0\n"
    script = [block("src/util.py", first), check, block("src/util.py", bent),
              block("src/util.py", bent), {"content": "never asked"}]  # fmt: skip
    outcome = await self_checked(repo, store, tmp_path, script)
    assert (outcome.status, outcome.steps) == ("completed", 4)
    assert outcome.final_message == "wrote src/util.py; its examples still fail"
    assert (repo / "src/util.py").read_text() == first


def test_the_check_starts_with_the_files_public_names():
    from reins.agent.self_check import check_opening

    functions = "def add(a, b):\n    return a + b\n\n\ndef _helper():\n    pass\n"
    assert check_opening("calc.py", functions) == "from calc import add\n\nassert "
    # a class needs an object made before the first assert
    assert check_opening("bank.py", "class Account:\n    pass\n") == "from bank import Account\n\n"
    assert check_opening("broken.py", "def (:") == "from broken import "


async def test_a_check_line_that_does_not_parse_is_skipped_not_fatal(ctx):
    from reins.agent.self_check import run_check

    (ctx.workspace.root / "m.py").write_text("def f(x):\n    return x\n")
    (ctx.workspace.root / "check_m.py").write_text(
        'from m import f\n\nassert f("a"b") == 1\nassert f(2) == 2\nassert f(3) =='
    )  # bad quoting, then a reply cut at its token cap
    result = await run_check(ctx, "check_m.py")
    assert (result.passed, result.failed, result.broken) == (1, 0, False)
    assert "SKIP line 3" in result.output and "SKIP line 5" in result.output


async def test_examples_inside_test_functions_are_run_too(ctx):
    """A small model often writes its examples as pytest functions: their asserts count,
    and a line that raises ends that function as one failure, not the whole check."""
    from reins.agent.self_check import run_check

    (ctx.workspace.root / "s.py").write_text("def up(t):\n    return t.upper()\n")
    (ctx.workspace.root / "check_s.py").write_text(
        "from s import up\n\ndef test_up():\n    assert up('a') == 'A'\n    assert up('a') == 'b'\n\n"
        "def test_number():\n    x = up(1)\n    assert x == 1\n"
    )
    result = await run_check(ctx, "check_s.py")
    assert (result.passed, result.failed, result.broken) == (1, 2, False)
    assert "FAIL x = up(1)  -> raised AttributeError" in result.output


def test_the_file_a_failure_points_at_is_the_module_or_frame_not_the_file_written():
    from reins.agent.output_paths import blamed_file, ending_in

    assert ending_in(["a.py", "app/a.py"], "/home/me/app/a.py") == "app/a.py"  # the longer
    assert ending_in(["a.py", "app/a.py"], "/home/me/a.py") == "a.py"
    assert ending_in(["a.py"], "/home/me/ba.py") is None and ending_in(["a.py"], "") is None
    files = {"main.py", "geometry.py", "report.py", "tests/test_geo.py", "helpers.py"}

    def blame(output, target, written=()):
        return blamed_file(output, target, lambda m: m if m in files else None, written)

    rename = (
        'Traceback (most recent call last):\n  File "main.py", line 1, in <module>\n'
        "    from geometry import rectangle_area\nImportError: cannot import name "
        "'rectangle_area' from 'geometry' (geometry.py)\n"
    )
    assert blame(rename, "main.py") == "geometry.py"  # the module lacks the new name
    importer = (
        'Traceback (most recent call last):\n  File "main.py", line 2, in <module>\n'
        '    from report import describe\n  File "report.py", line 1, in <module>\n'
        "    from geometry import area_rect\nImportError: cannot import name 'area_rect' "
        "from 'geometry' (geometry.py)\n"
    )
    assert blame(importer, "geometry.py") == "report.py"  # the module was just renamed
    # the module was renamed earlier in the change (another file written since): still the
    # importer's (seen: models.py asked for again after reports.py was written)
    assert blame(importer, "helpers.py") == "geometry.py"
    assert blame(importer, "helpers.py", ["geometry.py"]) == "report.py"
    # a traceback through the file written is its own, even when it ends in a helper
    through = 'File "main.py", line 4, in <module>\n  File "helpers.py", line 9, in f\nKeyError'
    assert blame(through, "main.py") is None
    assert blame(through, "report.py") == "helpers.py"
    # tests and files outside the workspace are never blamed
    assertion = 'File "tests/test_geo.py", line 5, in test_a\nAssertionError: 2 != 3'
    assert blame(assertion, "geometry.py") is None
    assert blame('File "/usr/lib/python3/json/decoder.py", line 3\nValueError', "main.py") is None
    assert blame("tests/test_geo.py:5: AssertionError", "geometry.py") is None
    assert blame("1 failed", "geometry.py") is None


RENAME_REQUEST = (
    "Rename the function `area_rect` to `rectangle_area` everywhere in this project. "
    "`python3 main.py` must still work."
)


def rename_repo(repo):
    (repo / "geometry.py").write_text("def area_rect(w, h):\n    return w * h\n")
    (repo / "report.py").write_text(
        "from geometry import area_rect\n\n\ndef describe(w, h):\n"
        "    return f'{w}x{h}: {area_rect(w, h)}'\n"
    )
    (repo / "main.py").write_text(
        "from geometry import area_rect\nfrom report import describe\n\n"
        "print(describe(3, 4), area_rect(1, 2))\n"
    )


async def test_with_follow_failures_the_loop_writes_the_file_the_failure_points_at_next(
    repo, store, tmp_path
):
    rename_repo(repo)
    replies = [
        block("main.py", "from geometry import rectangle_area\nfrom report import describe\n\n"
              "print(describe(3, 4), rectangle_area(1, 2))\n"),
        block("geometry.py", "def rectangle_area(w, h):\n    return w * h\n"),
        block("report.py", "from geometry import rectangle_area\n\n\ndef describe(w, h):\n"
              "    return f'{w}x{h}: {rectangle_area(w, h)}'\n"),
    ]  # fmt: skip
    on = {"qwen-files": {"follow_failures": True}}
    session = open_scripted(repo, store, tmp_path, replies, profile="qwen-files", profiles=on)
    prefills = Prefills()
    session.hooks.append(prefills)
    outcome = await session.run(RENAME_REQUEST)
    assert (outcome.status, outcome.steps) == ("completed", 3), outcome.final_message
    assert outcome.final_message == "wrote report.py; `python3 main.py` passes"
    assert [p.split("\n")[0] for p in prefills.prefills] == ["main.py", "geometry.py", "report.py"]
    first = [m.content for m in session.history if m.role == "tool"][0]
    assert "[reins: the failure is in geometry.py, not in main.py." in first
    assert "## geometry.py\n```python\ndef area_rect(w, h):" in first  # shown as it is now
    assert "area_rect" not in "".join((repo / f).read_text() for f in ("main.py", "report.py"))


PAGING = "def paginate(items, size=10):\n    return items[:size]\n"
API = "from paging import paginate\n\n\ndef first_two(xs):\n    return paginate(xs, size=2)\n"
CLI = "from api import first_two\nfrom paging import paginate\n\nprint(first_two([1, 2, 3]), paginate([1], size=3))\n"  # fmt: skip


async def test_with_follow_failures_a_file_written_with_no_target_is_checked_and_followed(
    repo, store, tmp_path
):
    # two code files named, so no first target: the model's own write of paging.py is run
    # against the request's command, and the file the failure points at is asked for next
    (repo / "paging.py").write_text(PAGING)
    (repo / "api.py").write_text(API)
    (repo / "cli.py").write_text(CLI)
    replies = [
        block("paging.py", PAGING.replace("size", "page_size")),
        block("api.py", API.replace("size=", "page_size=")),
        block("cli.py", CLI.replace("size=", "page_size=")),
    ]
    on = {"qwen-files": {"follow_failures": True}}
    session = open_scripted(repo, store, tmp_path, replies, profile="qwen-files", profiles=on)
    prefills = Prefills()
    session.hooks.append(prefills)
    outcome = await session.run(
        "Rename the `size` keyword of `paginate` in paging.py to `page_size` at every call. "
        "`python3 cli.py` must still work."
    )
    assert outcome.final_message == "wrote cli.py; `python3 cli.py` passes"
    assert [(p or "").split("\n")[0] for p in prefills.prefills] == ["", "api.py", "cli.py"]
    assert "size=" not in (repo / "cli.py").read_text().replace("page_size=", "")


async def test_with_follow_failures_the_same_failure_a_third_time_ends_the_turn(
    repo, store, tmp_path
):
    # moving between files clears the stuck stop's record, so a model going round two files
    # about one error ran to the budget; the third same failure ends it, whichever file
    rename_repo(repo)
    new_main = "from geometry import rectangle_area\nfrom report import describe\n\nprint(describe(3, 4), rectangle_area(1, 2))\n"  # fmt: skip
    # main.py asked for geometry.py next, and main.py written instead, twice
    replies = [block("main.py", new_main), block("main.py", new_main + "# again\n"),
               block("main.py", new_main)]  # fmt: skip
    on = {"qwen-files": {"follow_failures": True}}
    session = open_scripted(repo, store, tmp_path, replies, profile="qwen-files", profiles=on)
    outcome = await session.run(RENAME_REQUEST)
    assert outcome.status == "error" and outcome.steps == 3, outcome.final_message
    assert "failed the same way 3 times, whichever file was written" in outcome.final_message
    assert "cannot import name 'rectangle_area'" in outcome.final_message


async def test_with_follow_failures_one_files_loop_is_not_stopped_by_a_repeated_failure(
    repo, store, tmp_path
):
    # three different versions of one file failing the same test: the stuck stop's case
    # (same version), not a change going round files; measured Exercism runs stay as they were
    (repo / "double.py").write_text("def double(x):\n    return x\n")
    (repo / "test_double.py").write_text(
        "import unittest\nfrom double import double\n\n\nclass T(unittest.TestCase):\n"
        "    def test_double(self):\n        self.assertEqual(double(2), 4)\n"
    )
    versions = [
        block("double.py", f"def double(x):\n    return {v}\n")
        for v in ("x * 1", "x + 0", "int(x)")
    ]
    on = {"qwen-files": {"follow_failures": True}}
    session = open_scripted(repo, store, tmp_path, [*versions, {"content": "done"}],
                            profile="qwen-files", profiles=on)  # fmt: skip
    outcome = await session.run("Fix double.py so `python3 -m unittest -q test_double` passes.")
    assert "failed the same way" not in outcome.final_message
    assert "return int(x)" in (repo / "double.py").read_text()  # all three were tried


async def test_without_follow_failures_the_loop_asks_for_the_same_file_again(repo, store, tmp_path):
    rename_repo(repo)
    main = block("main.py", "from geometry import rectangle_area\nfrom report import describe\n"
                 "\nprint(describe(3, 4), rectangle_area(1, 2))\n")  # fmt: skip
    off = {"qwen-files": {"follow_failures": False}}  # on in qwen-files since stop 53
    session = open_scripted(repo, store, tmp_path, [main, {"content": "done"}],
                            profile="qwen-files", profiles=off)  # fmt: skip
    prefills = Prefills()
    session.hooks.append(prefills)
    await session.run(RENAME_REQUEST)
    assert [p.split("\n")[0] for p in prefills.prefills[:2]] == ["main.py", "main.py"]


async def test_a_repeated_command_is_only_blamed_on_the_code_when_it_failed_on_a_task(
    repo, store, tmp_path
):
    # seen: asked what a function returns, the model re-ran a command that printed nothing
    # and, told to "change the code the output points at", edited the code 19 times
    profiles = {"default": {"erase_repeats": True}}
    ok, failing = call("run_command", command="true"), call("run_command", command="false")
    for request, command, blames in (
        ("What does `total()` in src/util.py return?", failing, False),
        ("Make `total()` in src/util.py return 3.", ok, False),
        ("Make `total()` in src/util.py return 3.", failing, True),
    ):
        session = open_scripted(repo, store, tmp_path, [command, command, {"content": "done"}],
                                profiles=profiles)  # fmt: skip
        seen = watched(session)
        await session.run(request)
        hint = seen.requests[-1][-1][1]
        assert hint.startswith("You already ran this command"), hint
        assert ("change the code the output points at" in hint) is blames, (request, hint)


async def first_prefill(repo, store, tmp_path, request):
    """How qwen-files starts the first reply to `request` (None: as the model likes)."""
    session = open_scripted(repo, store, tmp_path, [{"content": "done"}], profile="qwen-files")
    prefills = Prefills()
    session.hooks.append(prefills)
    await session.run(request)
    return prefills.prefills[0]


async def test_a_file_the_request_says_not_to_change_is_never_the_one_written_first(
    repo, store, tmp_path
):
    from reins.agent.attachments import kept_files

    assert kept_files("Don't change `textutil.py`; leave ./README.md as it is.") == {
        "textutil.py", "README.md",
    }  # fmt: skip
    assert kept_files("without modifying src/app.py") == {"src/app.py"}
    assert kept_files("Fix `ledger.py` (don't change the tests). Change `a.py`.") == set()
    # lists; "the rest of" a file says part of it is to change
    assert kept_files("Don't touch `x.py`, `y.py` and z.py; fix w.py.") == {"x.py", "y.py", "z.py"}
    assert kept_files("Leave the rest of README.md and `thumbs.py` as they are.") == {"thumbs.py"}
    assert kept_files("Make it fast without changing what it prints in app.py.") == set()
    for change in ("Fix the crash in app.py and leave everything else in app.py as it is.",
                   "Only fix parse(); leave the other functions in parser.py unchanged.",
                   "Fix it, and leave api.py's public functions as they are.",
                   "Refactor report.py; leave what `python3 report.py` prints unchanged."):  # fmt: skip
        assert kept_files(change) == set(), change
    assert kept_files("Don't touch setup.py, main.py is where the bug is.") == {"setup.py"}
    for request, first in (
        ("Write tests for `double` in src/util.py. Don't change `src/util.py`.", None),
        ("Fix `double` in src/util.py.", "src/util.py\n```python\n"),
    ):
        assert await first_prefill(repo, store, tmp_path, request) == first, request


async def test_a_data_file_the_requests_command_runs_on_is_input_not_the_file_written(
    repo, store, tmp_path
):
    # `python3 worker.py queue.json --verbose`: queue.json is what the script reads; with
    # both attached there was no first block, and the model toggled print <-> logging.info
    (repo / "worker.py").write_text("import sys\n\nprint('starting', sys.argv[1])\n")
    (repo / "queue.json").write_text('[{"id": 1}]\n')
    for request, first in (
        ("Use logging in `worker.py` instead of print, with a `--verbose` flag "
         "(`python3 worker.py queue.json --verbose`).", "worker.py\n```python\n"),
        # without a command that reads it, a data file named beside the code may be a file
        # to change too: no single target
        ("Move the ids in `queue.json` into `worker.py`.", None),
    ):  # fmt: skip
        assert await first_prefill(repo, store, tmp_path, request) == first, request


async def test_a_request_to_create_one_code_file_starts_as_its_block_and_runs_its_tests(
    repo, store, tmp_path
):
    (repo / "test_roman.py").write_text(
        "import unittest\nfrom roman import to_roman\n\n\nclass T(unittest.TestCase):\n"
        "    def test_four(self):\n        self.assertEqual(to_roman(4), 'IV')\n"
    )
    roman = block("roman.py", "def to_roman(n):\n    return {4: 'IV'}[n]\n")
    session = open_scripted(repo, store, tmp_path, [roman], profile="qwen-files")
    prefills = Prefills()
    session.hooks.append(prefills)
    outcome = await session.run(
        "Create a module `roman.py` with `to_roman(n)`. `python3 -m unittest test_roman` must pass."
    )
    assert prefills.prefills == ["roman.py\n```python\n"]
    assert outcome.final_message == "wrote roman.py; `python3 -m unittest test_roman` passes"
    # a script and the output it makes: two files to create, no first block
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files")
    prefills = Prefills()
    session.hooks.append(prefills)
    await session.run("Write a script `convert.py` that writes `people.json`, and run it.")
    assert prefills.prefills[0] is None
    # one code file to create: its block, though the request names an existing one as input
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files")
    prefills = Prefills()
    session.hooks.append(prefills)
    await session.run("Write a script `dump.py` that prints src/util.py")
    assert prefills.prefills[0] == "dump.py\n```python\n"


async def test_a_traceback_in_the_request_makes_its_deepest_code_file_the_one_written(
    repo, store, tmp_path
):
    from reins.agent.hooks import ModelRequest, Turn
    from reins.agent.write_first import WriteFirst

    for path in ("app.py", "weather/__init__.py", "weather/report.py"):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("x = 1\n")
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files")
    attached = {"app.py": 10, "weather/__init__.py": 10, "weather/report.py": 10}
    frames = (
        '  File "{root}app.py", line 3, in <module>\n    from weather import daily_report\n'
        '  File "{root}weather/__init__.py", line 3, in <module>\n'
        '  File "{root}weather/report.py", line 1, in <module>\n    from units import c_to_f\n'
        "ModuleNotFoundError: No module named 'units'\n"
    )
    for root, expected in (("", "weather/report.py"), ("/home/me/proj/", "weather/report.py")):
        request = "`python3 app.py` fails:\n\nTraceback (most recent call last):\n"
        request += frames.format(root=root) + "\nFix it."
        hook, model_request = WriteFirst(max_bytes=1000), ModelRequest([])
        turn = Turn(session, request, 1, 0.0, attached=attached)
        hook.on_start(turn)
        hook.before_model(turn, model_request)
        assert model_request.prefill == f"{expected}\n```python\n", root
    # without a traceback, two code files are no single target
    hook, model_request = WriteFirst(max_bytes=1000), ModelRequest([])
    turn = Turn(session, "`python3 app.py` fails. Fix it.", 1, 0.0, attached=attached)
    hook.on_start(turn)
    hook.before_model(turn, model_request)
    assert model_request.prefill is None


def test_a_traceback_pasted_from_another_machine_attaches_the_workspace_files_it_names(
    repo, store, tmp_path
):
    # seen: /home/dev/ci-tools/reqparse.py, where the crash was, never attached: only the
    # script the request runs was, and the model rewrote that one unchanged
    (repo / "reqparse.py").write_text("def parse(text):\n    return text\n")
    (repo / "check.py").write_text("from reqparse import parse\n")
    request = (
        "`python3 check.py` crashes:\n\n"
        '  File "/home/dev/ci-tools/check.py", line 1, in <module>\n'
        '  File "/home/dev/ci-tools/reqparse.py", line 2, in parse\n'
        '  File "/usr/lib/python3.11/json/__init__.py", line 3, in loads\n'
        "AttributeError: 'NoneType' object has no attribute 'groups'\n"
        "(the API answers GET /srv/api/check.py with a 500)\n"  # not a frame: not a file
    )
    session = open_scripted(repo, store, tmp_path, [], profile="qwen-files")
    _, attached = attach_files(request, session.executor.ctx, 8192)
    assert list(attached) == ["check.py", "reqparse.py"]  # not the standard library's


async def test_a_file_with_code_blocks_is_started_with_a_longer_fence_than_its_own(
    repo, store, tmp_path
):
    # seen: README.md's block stopped at its first ``` line, and the 9 lines written so far
    # replaced its 33 (the reply stops at a fence line, the end of a block)
    (repo / "README.md").write_text("# tally\n\n## Usage\n\n```sh\npython3 -m tally\n```\n")
    (repo / "NOTES.md").write_text("# notes\n\nnothing fenced here\n")
    for name, fence in (("README.md", "````"), ("NOTES.md", "```")):
        session = open_scripted(repo, store, tmp_path, [{"content": "done"}],
                                profile="qwen-files")  # fmt: skip
        prefills = Prefills()
        session.hooks.append(prefills)
        await session.run(f"Add a Testing section to `{name}`.")
        assert prefills.prefills[0] == f"{name}\n{fence}markdown\n", name


def test_well_known_files_without_an_extension_are_named_paths():
    assert mentioned_paths(
        "Add a `clean` target to the `Makefile`; see docker/Dockerfile and ./LICENSE. "
        "Not makefiles or MakefileX, but Makefile.in."
    ) == ["Makefile", "docker/Dockerfile", "LICENSE", "Makefile.in"]


async def test_a_module_a_traceback_cannot_find_is_located_in_the_project(
    repo, store, tmp_path, ctx
):
    from reins.agent.output_paths import missing_modules

    (repo / "weather").mkdir()
    (repo / "weather/units.py").write_text("def c_to_f(c):\n    return c * 9 / 5 + 32\n")
    (repo / "weather/report.py").write_text("from units import c_to_f\n")
    (repo / "app.py").write_text("from weather.report import c_to_f\nprint(c_to_f(0))\n")
    error = "ModuleNotFoundError: No module named 'units'\n"
    assert missing_modules(error, ctx) == [("units", "weather/units.py")]
    assert missing_modules("No module named 'numpy'", ctx) == []  # not ours: nothing said
    assert missing_modules("all good", ctx) == []
    # pasted in the request, the hint comes with it; after a failing run, with the run
    session = open_scripted(repo, store, tmp_path, [{"content": "done"}], profile="qwen-files")
    seen = watched(session)
    await session.run(f"`python3 app.py` fails:\n{error}Fix it.")
    first = seen.requests[0][-1][1]
    assert "`units` is weather/units.py (imported as `weather.units`)" in first
    same = block("weather/report.py", "from units import c_to_f  # still wrong\n")
    session = open_scripted(repo, store, tmp_path, [same, {"content": "done"}],
                            profile="qwen-files")  # fmt: skip
    (repo / "test_app.py").write_text("import app\n")
    await session.run("Fix weather/report.py so `python3 -m unittest test_app` passes.")
    ran = [m.content for m in session.history if m.role == "tool"][0]
    assert "[reins ran `python3 -m unittest test_app`: exit code 1]" in ran
    assert "`units` is weather/units.py (imported as `weather.units`)" in ran


async def test_the_target_given_back_unchanged_is_asked_for_again_not_taken_as_done(
    repo, store, tmp_path
):
    # seen: a README copied out as it was, and the turn "completed" since its tests passed
    (repo / "notes.md").write_text("# notes\n\nfirst\n")
    same = {"content": "notes.md\n```markdown\n# notes\n\nfirst\n```"}
    added = {"content": "notes.md\n```markdown\n# notes\n\nfirst\nsecond\n```"}
    session = open_scripted(repo, store, tmp_path, [same, added, {"content": "done"}],
                            profile="qwen-files")  # fmt: skip
    seen = watched(session)
    outcome = await session.run("Add a line `second` to `notes.md`.")
    assert (repo / "notes.md").read_text() == "# notes\n\nfirst\nsecond\n"
    assert outcome.steps == 2 and outcome.final_message == "wrote notes.md"
    hint = seen.requests[1][-1]
    assert hint[0] == "user" and "notes.md as it was: nothing is changed" in hint[1]
    assert not any(
        m.role == "assistant" and "first\n```" in (m.raw or "") for m in session.history[:3]
    )  # fmt: skip  (the copy was erased)


async def test_first_named_target_starts_a_change_across_files_as_the_first_file_named(
    repo, store, tmp_path
):
    from reins.agent.hooks import ModelRequest, Turn
    from reins.agent.write_first import WriteFirst

    for path in ("cli.py", "store.py"):
        (repo / path).write_text("x = 1\n")
    session = open_scripted(repo, store, tmp_path, [{"content": "ok"}], profile="qwen-files")
    # out.csv is what the run writes, not a file for the model to create
    request = (
        "Add an `export` command to cli.py that calls `write_csv` from store.py: "
        "`python3 cli.py export out.csv`."
    )

    def prefill(first_named, attached, cut=()):
        hook, model_request = WriteFirst(max_bytes=100, first_named=first_named), ModelRequest([])
        turn = Turn(session, request, 1, 0.0, attached=attached, cut=set(cut))
        hook.on_start(turn)
        hook.before_model(turn, model_request)
        return model_request.prefill

    both = {"cli.py": 10, "store.py": 10}
    assert prefill(True, both) == "cli.py\n```python\n"
    assert prefill(False, both) is None  # off: several files are no single target
    assert prefill(True, {"cli.py": 500, "store.py": 10}) is None  # too large to write whole
    assert prefill(True, both, cut=["cli.py"]) is None  # shown in part: not written whole
    request = request.replace("`python3 cli.py export out.csv`", "the rows go to out.csv")
    assert prefill(True, both) is None  # a file to create, named outside a run: as before
    request = "Change cli.py and store.py, and write a sample.csv: `python3 cli.py sample.csv`"
    assert prefill(True, both) is None  # named in the prose too: one to create


@pytest.mark.skipif(shutil.which("rg") is None, reason="needs ripgrep")
async def test_an_option_spelt_in_another_code_file_is_not_asked_for(repo, store, tmp_path):
    # the script's parser lives in a module it imports
    (repo / "options.py").write_text("import argparse\nP = argparse.ArgumentParser()\n"
                                     "P.add_argument('--lines', action='store_true')\n")  # fmt: skip
    (repo / "wc.py").write_text("import sys\nprint(len(open(sys.argv[-1]).read().split()))\n")
    (repo / "notes.txt").write_text("one two\nthree\n")
    write = {
        "content": "wc.py\n```python\nfrom options import P\nargs, rest = P.parse_known_args()\n"
        "text = open(rest[-1]).read()\nprint(len(text.splitlines()) if args.lines else "
        "len(text.split()))\n```"
    }
    session = open_scripted(repo, store, tmp_path, [write, write], profile="qwen-files")
    outcome = await session.run(
        "Add a `--lines` option to wc.py: `python3 wc.py --lines notes.txt`."
    )
    assert (outcome.status, outcome.steps) == ("completed", 1)  # not asked again
