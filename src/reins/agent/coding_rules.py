"""Hooks that keep a small model's coding loop on track; each is a profile switch.

- EraseRepeats (`erase_repeats`): a call that repeats an earlier one with the same result
  (a re-read of an unchanged file, the same failing edit) is taken out of the context and
  the model is asked again with a one-line hint (after a failure, at a higher temperature),
  instead of stacking copies the model then imitates. The session log keeps the erased exchange.
- VerifyFinish (`verify_finish`): `finish` right after a failing command, or after changes
  that were never run when the request names a test command, is answered with what is
  wrong and the turn goes on (at most MAX_FINISH_PUSHBACKS times a turn; after that the
  finish ends the turn, and its final message says it is not verified).
- WriteFirst (`write_first_kb`, files call style): a request (not a question) that names
  exactly one small file (a stub to fill in, a short module to change) gets its first reply
  started as that file's block, so the model writes the new version at once, as for aider,
  instead of wandering through tools first. A written file that does not parse or still has stub
  functions is asked for once more. With `test_after_write` and a test command in the
  request, reins runs it after each write and shows the result: passing ends the turn,
  failing starts the next reply as the file's block again (a few rounds: aider's
  whole-file-and-test loop, which small models follow far better than tool choices);
  after that the model goes on with its tools. When the request names no test command
  there is nothing to check the file against, and the turn ends with the write: small
  models left to go on wander (git commit, git push, rewrite) until the budget runs out.
  An identical rewrite of a failing file is erased and asked for again, hotter; with
  `fresh_rewrites`, every version of the file leaves the context with it and the model is
  asked for a new implementation with the last failures as the hint; with `fork_rewrites`,
  the next reply starts as the identical one up to its least sure code token, then the
  model's second choice there. With `stop_when_stuck`, a version that already failed,
  written again once those resamples are spent, ends the turn with the failure.
  With `self_check` and no test command, the file is checked against the task's own
  examples instead: the model writes them as `assert` lines in a scratch file, reins runs
  each one (agent/self_check.py) and a failing example asks for the file again (a few
  rounds); a rewrite stays only if it fails fewer than every version before it, and the
  scratch file is removed.
"""

from __future__ import annotations

import ast
import re
import shlex
from typing import TYPE_CHECKING

from reins.agent.attachments import (
    attach_paths,
    block_opener,
    code_files,
    kept_files,
    new_files,
)
from reins.agent.doom_loop import signature, stable_output
from reins.agent.hooks import Hook, ModelRequest, StepPlan, Stop, Turn, answered
from reins.agent.name_checks import name_problems
from reins.agent.output_paths import (
    blamed_file,
    cd_dir,
    ending_in,
    module_hint,
    relative_paths,
    resolved,
)
from reins.agent.protocols.fences import file_blocks
from reins.agent.self_check import (
    CHECK_TOKENS,
    CheckResult,
    check_opening,
    check_path_for,
    module_of,
    run_check,
)
from reins.agent.test_score import visible_score
from reins.index.chunker import language_for
from reins.models.messages import ToolCall
from reins.tools.context import ToolContext
from reins.tools.errors import ErrorKind
from reins.tools.executor import ExecutedCall
from reins.tools.files import NO_CHANGE

if TYPE_CHECKING:
    from reins.agent.outcome import RunOutcome
    from reins.models.messages import Message

EDIT_TOOLS = ("write_file", "edit_file", "apply_patch")
MAX_ERASES = 8  # a turn's budget of erasures; past it the doom-loop guard takes over
MAX_FINISH_PUSHBACKS = 2
EXIT_CODE = re.compile(r"^exit code: (-?\d+)")
PYTHON_SCRIPT = re.compile(r"\s*python3?\s+((?:[\w-]+/)*\w+\.py)\b")  # python3 shipping.py …
# A request that names how to test: the model is expected to have run something.
TEST_COMMAND = re.compile(
    r"\b(pytest|python3? -m (?:pytest|unittest)|npm (?:run )?test|cargo test|go test|"
    r"make (?:test|check)|tox|nox|jest|mvn test|gradle test)\b"
)


# A question about code, not a request to change it: its first reply is not started as the
# named file's block ("What is X in config.py?" must not rewrite config.py).
QUESTION = re.compile(
    r"^\W*(?:(?:please|hey|ok|okay|so)\b,?\s+)?"  # "Please explain …" asks too
    r"(what|why|how|where|which|who|when|whose|does|do|is|are|can|could|should|would"
    r"|explain|describe|summari[sz]e|tell me|tell us|show me|look at|read|compare)\b",
    re.IGNORECASE,
)  # not "count" or "list": Exercism tasks begin "Count the rectangles …"
FIRST_SENTENCE = re.compile(r"^.*?(?:[.?!](?=\s|$)|$)")  # of one line; "a.py" goes on


def is_question(request: str) -> bool:
    """The request's first sentence (past markdown headings) asks rather than tells."""
    prose = [ln for ln in request.strip().splitlines() if ln.strip() and not ln.startswith("#")]
    first = FIRST_SENTENCE.match(prose[0].strip()) if prose else None
    return bool(first) and (bool(QUESTION.match(first.group())) or first.group().endswith("?"))


def _first_line(text: str, limit: int = 200) -> str:
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    return line[:limit]


class EraseRepeats(Hook):
    HOT = 0.8  # a repeated failure is resampled at this temperature: at a low one, the
    # same context gives the same failing call again (seen: a blind edit_file four times)

    def on_start(self, turn: Turn) -> None:
        self.results: dict[str, int] = {}  # call signature -> hash of its last result
        self.erased = 0
        self.hints: dict[str, int] = {}  # call signature -> repeats of it erased so far
        self.hot = False

    def before_model(self, turn: Turn, request: ModelRequest) -> None:
        if self.hot:
            self.hot = False
            request.temperature = self.HOT

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        hint, hot = None, False
        for item in executed:
            sig = signature(item)
            result = hash((item.result.kind, stable_output(item.result.output)))
            if self.results.get(sig) == result and hint is None:
                hint = self._hint(item, is_question(turn.request))
                self.hints[sig] = self.hints.get(sig, 0) + 1
                # a failure's repeat is resampled hotter; so is a call that worked and came
                # back after its hint: greedy, the hint alone did not change the reply
                # (seen: one command run forty times)
                hot = not item.result.ok or self.hints[sig] > 1
            if _changes_files(item):
                # files may have changed: what was read or run before is not repeated now
                self.results.clear()
            self.results[sig] = result
        if hint is not None and self.erased < MAX_ERASES:
            self.erased += 1
            self.hot = hot
            turn.notice("the model repeated a call with the same result; asking again")
            plan.erase = hint

    @staticmethod
    def _hint(item: ExecutedCall, question: bool = False) -> str:
        """What to do instead. A request that asks (not tells), or a command that worked,
        is not told to change code: seen, asked what a function returns, the embedded
        model "changed the code the output points at" nineteen times."""
        call = item.call
        if call.name == "read_file" and item.result.ok:
            path = call.arguments.get("path", "the file")
            then = (
                "use what it shows and take the next step."
                if question
                else "make your change now (write_file with the whole new file, or edit_file)."
            )
            return (
                f"You already have the content of {path} above and it has not changed. "
                f"Do not read it again: {then}"
            )
        if call.name == "run_command" and item.result.ok:
            code = EXIT_CODE.match(item.result.output or "")
            worked = question or code is None or int(code.group(1)) == 0
            script = PYTHON_SCRIPT.match(str(call.arguments.get("command", "")))
            if worked and script and item.result.output.endswith("\n(no output)"):
                module = script.group(1).removesuffix(".py").replace("/", ".")
                return (
                    "You already ran this command: it printed nothing, because running a file "
                    "does not print what its functions return. To see a value, print it: "
                    f'python3 -c "from {module} import NAME; print(NAME(...))".'
                )
            then = (
                "Do not run it again: use that output and take the next step."
                if worked
                else "Do not run it again yet: change the code the output points at first "
                "(edit_file or a file block)."
            )
            return (
                "You already ran this command, and nothing has changed since, so its output "
                f"above is still what it gives. {then}"
            )
        if item.result.ok:
            return (
                f"You already called {call.name} with these arguments and the result above "
                "has not changed. Do not repeat it: take the next step."
            )
        return (
            f"Your last {call.name} call failed the same way as before: "
            f"{_first_line(item.result.output)} Do something different this time."
        )


def _changes_files(item: ExecutedCall) -> bool:
    """After this call, what was read or run before may read or run differently."""
    if not item.result.ok or item.call.name not in (*EDIT_TOOLS, "run_command"):
        return False
    return not item.result.output.startswith(NO_CHANGE)


class VerifyFinish(Hook):
    def on_start(self, turn: Turn) -> None:
        self.pushbacks = 0
        self.last_exit: int | None = None  # of the last command run, None before any
        self.last_command = ""
        self.last_output = ""
        self.changed_since_run = False
        self.names_tests = bool(TEST_COMMAND.search(turn.request))
        self.runs_seen = 0  # of turn.test_runs
        self.unverified = ""  # why a finish let through after the pushbacks is not done

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        if len(turn.test_runs) > self.runs_seen:  # reins ran the tests after the last write
            self.runs_seen = len(turn.test_runs)
            self.last_command, self.last_exit, self.last_output = turn.test_runs[-1]
            self.changed_since_run = False
        self.unverified = ""
        finishes = [c for c in plan.run if c.name == "finish"]
        if not finishes or plan.run[0].name != "finish":
            return
        not_done = self._not_done()
        if not_done is None:
            return
        reason, unverified = not_done
        if self.pushbacks >= MAX_FINISH_PUSHBACKS:  # it ends, and the outcome says so
            self.unverified = unverified
            return
        self.pushbacks += 1
        call, plan.run = plan.run[0], plan.run[1:]
        plan.answered.append(answered(call, ErrorKind.INVALID_ARGUMENTS, reason))

    def _not_done(self) -> tuple[str, str] | None:
        """(the answer to the model's finish, the line for the person) when it is not done."""
        if self.last_exit not in (None, 0) and not self.changed_since_run:
            failed = f"the last run of `{self.last_command}` failed (exit code {self.last_exit})"
            return (
                f"not finished: {failed}:\n{self.last_output[-1500:]}\nFix the cause, run it "
                "again, then call finish.",
                f"not verified: {failed}",
            )
        if self.changed_since_run and self.names_tests:
            return (
                "not finished: you changed files after your last test run (or never ran the "
                "tests). Run the tests now; call finish once they pass.",
                "not verified: files were changed after the last test run (or the tests never ran)",
            )
        return None

    def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        if self.unverified and plan.stop is not None and plan.stop.status == "completed":
            # the summary is the model's ("the tests pass"); the outcome says what reins saw
            plan.stop = Stop("completed", f"{plan.stop.final}\n\n[reins: {self.unverified}]")
        for item in executed:
            name = item.call.name
            if name in EDIT_TOOLS and _changes_files(item):
                self.changed_since_run = True
            elif name == "run_command" and item.result.ok:
                match = EXIT_CODE.match(item.result.output)
                if match:
                    self.last_exit = int(match.group(1))
                    self.last_command = str(item.call.arguments.get("command", ""))
                    self.last_output = item.result.output
                    self.changed_since_run = False


class WriteFirst(Hook):
    RETRIES = 1  # a written file that is still a stub, or does not parse, is asked for again
    RESAMPLES = 2  # an identical rewrite of a failing file is erased and asked for again...
    HOT = 0.8  # ...at this temperature: the same prompt at a low one gives the same file

    def __init__(
        self, max_bytes: int, test_after_write: bool = False, test_rounds: int = 3,
        fragments: bool = False, fresh: bool = False, self_check: bool = False,
        check_rounds: int = 2, name_checks: bool = False, follow_failures: bool = False,
        fork: bool = False, stop_when_stuck: bool = False,
    ) -> None:  # fmt: skip
        # a failing run that points at another code file makes it the file written next
        self.follow_failures = follow_failures
        self.max_bytes = max_bytes
        self.name_checks = name_checks  # undefined names and dropped ones fall short too
        # partial_writes: a file attached only in part (the failing function of a large
        # file) is started as a block too; the block is that function's new version
        self.fragments = fragments
        self.test_after_write = test_after_write
        self.test_rounds = test_rounds  # rewrites after failing tests, then the model's tools
        self.fresh = fresh  # an identical rewrite erases every version (profile fresh_rewrites)
        # an identical rewrite is asked for again from the same reply, forked where the model
        # was least sure (profile fork_rewrites); hot as before when the model gives no forks
        self.fork = fork
        # a version of the file that already failed, written again once the resamples are
        # spent, ends the turn (profile stop_when_stuck): the model does not get out of it
        self.stop_when_stuck = stop_when_stuck
        self.self_check = self_check  # no test command: check the file on the task's examples
        self.check_rounds = check_rounds  # rewrites asked for while the check fails

    def on_start(self, turn: Turn) -> None:
        self.path: str | None = None
        self.retries = self.rounds = self.resamples = 0
        self.again = self.hot = self.failing = False
        self.command = test_command(turn.request)
        self.first_write: Message | None = None  # the reply that first wrote the file
        self.failures = ""  # the last failing test run's output, for a fresh rewrite's hint
        self.check: str | None = None  # the self-check's scratch file, once asked for
        self.check_prefill = ""  # how the next reply goes on after the check's block opener
        self.checked: list[tuple[int, str]] = []  # (examples failed, file) per checked version
        self.before: str | None = None  # the target ahead of the first write
        self.fork_prefill = ""  # the next reply starts here: an identical one, forked
        self.forked: set[tuple[int, str]] = set()  # (offset, token) forks tried this turn
        # versions of the file that failed the tests (as code) -> that run's (exit, output)
        self.failed: dict[str, tuple[int, str]] = {}
        self.best: tuple[float, str] | None = None  # the tested version that passed the most
        self.repeats = 0  # writes of a version in `failed`, since it was last cleared

    def before_model(self, turn: Turn, request: ModelRequest) -> None:
        if self.hot:
            self.hot = False
            request.temperature = self.HOT
        if self.again:  # the last write fell short: start the reply as the file's block again
            self.again = False
            request.prefill = block_opener(self.path or "", self.before or "")
            if self.fork_prefill:  # or as the identical one up to its fork
                request.prefill, self.fork_prefill = self.fork_prefill, ""
            if self.check_prefill:  # or as the self-check's block
                request.prefill = block_opener(self.check or "") + self.check_prefill
                request.max_tokens = CHECK_TOKENS
                self.check_prefill = ""
        elif turn.steps == 0 and not is_question(turn.request):
            self.path = self._target(turn)
            if self.path is not None:
                self.before = _read(turn, self.path) or None
                request.prefill = block_opener(self.path, self.before or "")
        return None

    def _target(self, turn: Turn) -> str | None:
        """The file whose block the first reply starts as: the one code file attached
        whole (a stub, a small module), or with `fragments`, the one Python file attached
        in part (where the failure is); None when there is no single such file, when the
        request names files to create (unless it is one code file: that one), or when its
        code names are in other files too."""
        created = new_files(turn.request, turn.session.executor.ctx)
        if len(created) == 1 and language_for(created[0]):
            return created[0]  # "create a module roman.py": its block, then its tests
        if created:
            # the request asks for other files (count.txt; convert.py and its people.json):
            # the one it names that exists is input to read, not the file to write
            return None
        if turn.located - set(turn.attached):
            return None  # the names the request gives are in other files too: not one file's change
        kept = kept_files(turn.request)  # "don't change textutil.py": not the file to write
        targets = [p for p in code_files(turn.attached) if p not in kept]
        if len(targets) > 1:  # a package's __init__ attached beside its modules re-exports
            targets = [p for p in targets if not p.endswith("__init__.py")]
        if len(targets) > 1:  # a traceback pasted in the request ends where the fix goes
            deepest = blamed_file(turn.request, "", lambda m: ending_in(targets, m))
            targets = [deepest] if deepest else targets
        whole = [p for p in targets if p not in turn.cut]
        if len(targets) == 1 and whole and turn.attached[whole[0]] <= self.max_bytes:
            return whole[0]
        cut = [p for p in targets if p in turn.cut and p.endswith(".py")]
        if self.fragments and len(cut) == 1:
            return cut[0]
        return None

    async def after_tools(self, turn: Turn, plan: StepPlan, executed: list[ExecutedCall]) -> None:
        if self.check is not None and _written(executed, self.check):
            await self._run_self_check(turn, plan)
            return
        if _other_writes(executed, self.path):  # the same version may now pass
            self._forget_failures()
        wrote = _written(executed, self.path)
        if self.path is None or not wrote:
            return
        if self.first_write is None:
            self.first_write = plan.reply
        version = as_code(str(wrote[0].call.arguments.get("content", "")))
        if version in self.failed:
            self.repeats += 1
            if self.stop_when_stuck and self.repeats > self.RESAMPLES:
                await self._stop_stuck(turn, plan, version)
                return
        if wrote[0].result.output.startswith(NO_CHANGE) and self.failing:
            if self.check is not None:  # the model keeps its version against its own
                # examples, which may be the wrong ones: stop rather than spend the budget
                await self._keep_best(turn, plan)
                plan.stop = Stop("completed", f"wrote {self.path}; its examples still fail")
                return
            if self.resamples < self.RESAMPLES:
                self.resamples += 1
                self.again = True
                self.fork_prefill = self._fork(turn, plan) if self.fork else ""
                self.hot = not self.fork_prefill
                if self.fresh and not self.fork_prefill:
                    plan.erase_from, self.first_write = self.first_write, None
                    plan.erase = (
                        f"Your version of {self.path} failed `{self.command}`:\n"
                        f"{self.failures}\nWrite {self.path} again from the start: a "
                        "different implementation, complete."
                    )
                else:
                    plan.erase = (
                        f"{self.path} is still the version above, which fails the tests. "
                        "Write a corrected version: change the code the failure points at."
                    )
            return
        content = str(wrote[0].call.arguments.get("content", ""))
        problem = shortfall(self.path, content, self.before, self.name_checks)
        if problem and self.retries < self.RETRIES:
            self.retries += 1
            self.again = True
            plan.note += f"\n[reins: {problem} Write the whole file again, complete.]"
            return
        if self.command is None:
            if TEST_COMMAND.search(turn.request):
                return
            if self.self_check and self.path.endswith(".py"):
                await self._self_check(turn, plan)
            elif not self._unchanged(turn, wrote[0], plan):  # nothing to check it against
                plan.stop = Stop("completed", f"wrote {self.path}")
            return
        if not self.test_after_write:
            return
        exit_code, output = await self._run_tests(turn)
        turn.test_runs.append((self.command or "", exit_code, output))
        plan.note += f"\n[reins ran `{self.command}`: exit code {exit_code}]\n{excerpt(output)}"
        if exit_code != 0 and (hint := module_hint(output, turn.session.executor.ctx)):
            plan.note += "\n" + hint
        self.failing = exit_code != 0
        self.failures = excerpt(output, head=700, tail=200) if self.failing else ""
        # what the stuck stop reads (a timed-out run may pass another time: not counted)
        if self.stop_when_stuck and self.failing and exit_code != -1:
            self.failed[version] = (exit_code, output)
            score = visible_score(exit_code, output)
            if self.best is None or score > self.best[0]:  # the first of the most passed
                self.best = (score, _read(turn, self.path))  # the file, not a merged part
        if not self.failing:
            if not self._unchanged(turn, wrote[0], plan):
                plan.stop = Stop("completed", f"wrote {self.path}; `{self.command}` passes")
        elif self.rounds < self.test_rounds:
            self.rounds += 1
            self.again = True
            if self.follow_failures and self._follow(turn, plan, output):
                return
            what = (
                "the new version of the function(s) you change"
                if self.path in turn.cut else "the whole file"
            )  # fmt: skip
            goal = (
                "the tests pass" if TEST_COMMAND.search(self.command) else f"`{self.command}` works"
            )
            plan.note += f"\n[reins: fix {self.path} so {goal}: write {what} again.]"

    def _forget_failures(self) -> None:
        self.failed.clear()
        self.repeats = 0
        self.best = None

    async def _stop_stuck(self, turn: Turn, plan: StepPlan, version: str) -> None:
        """End the turn: a version of the file that already failed, written for the
        (RESAMPLES + 1)th time (an identical rewrite's resamples come before it; so does a
        model going back and forth between failing versions). On the held-out with-tests
        run no trial passed after this point, and the rest of the budget went on more copies
        (docs/ABLATIONS.md)."""
        exit_code, output = self.failed[version]
        text = (
            f"stopped: the model wrote a version of {self.path} that already failed "
            f"`{self.command}` (a failing version written again {self.repeats} times); that "
            f"version's run failed (exit code {exit_code}): {_first_failure(output)}"
        )
        score = visible_score(exit_code, output)
        if self.best is not None and self.best[0] > score:  # end on the best version seen
            if await self._put_back(turn, self.best[1]):
                text += (
                    f"\n[reins: put back the version of {self.path} that passed the most "
                    f"tests ({self.best[0]:.0%} of them, against {score:.0%})]"
                )
        turn.notice(text)
        plan.stop = Stop("error", text)

    def _fork(self, turn: Turn, plan: StepPlan) -> str:
        """The identical reply up to the code token the model was least sure of, then its
        second choice there: the next reply (greedy) goes on from it, a near version of the
        file the model keeps writing. A hotter sample of a file the model can see mostly
        comes back the same (held-out with-tests run, 2026-12-04, docs/ABLATIONS.md).
        "" when the reply gave no untried fork inside the file's code."""
        text = plan.reply.raw or plan.reply.content
        block = next((b for b in file_blocks(text) if b.path == self.path), None)
        if block is None:
            return ""
        opening = text.find("\n", text.find("\n", block.start) + 1) + 1  # after the fence line
        candidates = []
        for at, other, margin in turn.alternatives:
            line = text[text.rfind("\n", 0, at) + 1 : at]
            if not (opening <= at < opening + len(block.body)) or (at, other) in self.forked:
                continue
            if not other.strip() or "`" in other or "#" in line:  # layout, fences, comments
                continue
            if text.startswith(other.rstrip(), at):  # "1" for "1000", ")\n\n" for ")\n":
                continue  # the same code, cut or laid out another way
            candidates.append((margin, at, other))
        if not candidates:
            return ""
        _, at, other = min(candidates)
        self.forked.add((at, other))
        turn.notice(f"the rewrite of {self.path} was identical: forking it at {other!r}")
        return text[:at] + other

    def _follow(self, turn: Turn, plan: StepPlan, output: str) -> bool:
        """When the failure points at another code file (small enough to write whole),
        make that file the one the next reply writes, shown as it is now."""
        ctx = turn.session.executor.ctx
        base = cd_dir(self.command or "")
        blamed = blamed_file(
            relative_paths(output, ctx), self.path or "", lambda m: resolved(ctx, base, m)
        )
        if blamed is None or blamed in turn.cut:  # a file shown in part is not rewritten whole
            return False
        shown, sizes = attach_paths("", [blamed], ctx, self.max_bytes, header="")
        if blamed not in sizes:  # too large to write whole
            return False
        turn.notice(f"the failure points at {blamed}: asking for it next")
        previous, self.path, self.first_write = self.path, blamed, None
        self.before = _read(turn, blamed) or None
        self._forget_failures()  # another file now: its versions are new
        plan.note += (
            f"\n[reins: the failure is in {blamed}, not in {previous}. {blamed} as it is "
            f"now:]\n{shown.strip()}\n[reins: write the whole of {blamed} again, fixed.]"
        )
        return True

    def _unchanged(self, turn: Turn, write: ExecutedCall, plan: StepPlan) -> bool:
        """The target written back as it was before the turn: not done, whatever the tests
        say (seen: a README given back unchanged, "done" since its tests passed). It is
        erased and asked for again, hotter; True when it was."""
        if not (
            write.result.output.startswith(NO_CHANGE)
            and self.before is not None
            and self.resamples < self.RESAMPLES
            and _read(turn, self.path or "") == self.before
        ):
            return False
        self.resamples += 1
        self.again = self.hot = True
        plan.erase = (
            f"That block is {self.path} exactly as it was: nothing is changed yet. Write "
            f"{self.path} again with the change the task asks for, complete."
        )
        return True

    async def _run_tests(self, turn: Turn) -> tuple[int, str]:
        return await run_test_command(turn.session.executor.ctx, self.command or "")

    async def _self_check(self, turn: Turn, plan: StepPlan) -> None:
        """The file was written with no test command: ask for its check, or run it again."""
        path = self.path or ""
        if self.check is None:
            check = check_path_for(path)
            if turn.session.executor.ctx.workspace.exists(check):
                plan.stop = Stop("completed", f"wrote {path}")  # never overwrite a user's file
                return
            self.check, self.again = check, True
            self.check_prefill = check_opening(path, _read(turn, path))
            plan.note += (
                f"\n[reins: now check {path} on the examples the task gives: write {check}, "
                f"which imports from {module_of(path)} and has one `assert call(...) == "
                "expected` line per example, with the expected values exactly as the task "
                "states them (for a class: make one object, call its methods as the example "
                "does, then assert).]"
            )
            return
        await self._run_self_check(turn, plan)

    async def _run_self_check(self, turn: Turn, plan: StepPlan) -> None:
        path, check = self.path or "", self.check or ""
        ctx = turn.session.executor.ctx
        result = await run_check(ctx, check)
        if result.broken:
            turn.notice(f"the self-check {check} did not run; keeping {path}")
            await self._keep_best(turn, plan)
            plan.stop = Stop("completed", f"wrote {path}")
            return
        self.checked.append((result.failed, _read(turn, path)))
        plan.note += f"\n[reins ran {check}: {result.passed} passed, {result.failed} failed]\n{result.output}"
        if result.ok:
            plan.stop = Stop("completed", f"wrote {path}; its examples pass")
        elif self.rounds < self.check_rounds:
            self.rounds += 1
            self.again = self.failing = True
            plan.note += (
                f"\n[reins: {path} fails the examples above (FAIL lines: what your code gave, "
                f"then what the task expects). Write the whole of {path} again, fixed.]"
            )
        else:
            await self._keep_best(turn, plan)
            plan.stop = Stop("completed", f"wrote {path}; {_failing(result)}")

    async def _keep_best(self, turn: Turn, plan: StepPlan) -> None:
        """Put back the first checked version that failed the fewest examples: a rewrite
        stays only if it fails fewer than every version before it (the examples are the
        model's own and may be wrong, so a tie keeps its first version); the note keeps
        this in the log."""
        if not self.checked:
            return
        fewest, best = min(self.checked, key=lambda pair: pair[0])  # the first of the fewest
        path = self.path or ""
        if _read(turn, path) == best:
            return
        if await self._put_back(turn, best):
            plan.note += (
                f"\n[reins: put back the version of {path} that failed {fewest} example(s)]"
            )

    async def _put_back(self, turn: Turn, content: str) -> bool:
        """Write an earlier version of the file back, through the tools (checkpointed and
        logged like the model's writes); True when it was written."""
        call = ToolCall("write_file", {"path": self.path or "", "content": content})
        (done,) = await turn.session.executor.run_batch([call])
        return done.result.ok

    def on_stop(self, turn: Turn, outcome: RunOutcome) -> None:
        if self.check is not None:  # the scratch file is reins', not the user's
            try:
                turn.session.executor.ctx.workspace.unlink(self.check, missing_ok=True)
            except OSError:
                pass  # a scratch file left behind is harmless; the turn's outcome is not


def _written(executed: list[ExecutedCall], path: str | None) -> list[ExecutedCall]:
    """The batch's successful whole-file writes of `path`."""
    return [
        i for i in executed
        if i.call.name == "write_file" and i.result.ok and i.call.arguments.get("path") == path
    ]  # fmt: skip


def _other_writes(executed: list[ExecutedCall], path: str | None) -> bool:
    """The batch changed a file other than `path`."""
    return any(
        i.call.name in EDIT_TOOLS and i.result.ok and i.call.arguments.get("path") != path
        and not i.result.output.startswith(NO_CHANGE)
        for i in executed
    )  # fmt: skip


def as_code(content: str) -> str:
    """A file's text as the code it is: trailing blanks and blank lines at either end do
    not count (the model's rewrites differ in a final newline more than in anything else)."""
    return "\n".join(line.rstrip() for line in content.splitlines()).strip("\n")


FAILURE_LINE = re.compile(r"^(?:[\w.]*(?:Error|Exception)\b:?|E\s|FAILED\b)")


def _first_failure(output: str) -> str:
    """The first line that says what failed (an error, a pytest `E` line, `FAILED`),
    else the output's last line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    said = [ln for ln in lines if FAILURE_LINE.match(ln)]
    return (said[:1] or lines[-1:] or ["no output"])[0][:200]


def _read(turn: Turn, path: str) -> str:
    try:
        return turn.session.executor.ctx.workspace.read_bytes(path).decode("utf-8", "replace")
    except OSError:
        return ""


def _failing(result: CheckResult) -> str:
    return f"{result.failed} of {result.passed + result.failed} of its examples still fail"


async def run_test_command(ctx: ToolContext, command: str) -> tuple[int, str]:
    """Run `command` in the workspace, in the sandbox: its exit code (-1: killed at the
    command time-out) and output."""
    result = await ctx.sandbox.exec(command, str(ctx.workspace.root), ctx.command_timeout_s)
    if result.timed_out:
        return -1, f"killed after {ctx.command_timeout_s:g} s\n{result.output}"
    return result.exit_code, result.output


# Test-run noise. Seen on a mutate task: the embedded model "fixed" the DeprecationWarning
# that opened the output (`warnings.warn(`, in a file without it) four times over, with
# the failing function attached below.
PROGRESS = re.compile(r"^(?=[sFExX]*\.)[.sFExX]{3,}(?:\s*\[\s*\d+%\])?$")  # unittest/pytest dots
PROGRESS_THEN = re.compile(r"^[.sFExX]+(?=\S+:\d+: \w*Warning: )")  # dots, then a warning
WARNING_LINE = re.compile(r"^\S+:\d+: \w*Warning: ")


def quiet(output: str) -> str:
    """Test output without progress dots and warnings (each warning's source line too)."""
    kept: list[str] = []
    warnings = 0
    lines = output.splitlines()
    skip_source = False
    for line in lines:
        line = PROGRESS_THEN.sub("", line)
        if skip_source and line.startswith("  "):
            skip_source = False
            continue
        skip_source = False
        if WARNING_LINE.match(line):
            warnings += 1
            skip_source = True
            continue
        if not PROGRESS.match(line.rstrip()):
            kept.append(line)
    if warnings:
        kept.append(f"({warnings} warning line(s) left out)")
    return "\n".join(kept)


def excerpt(output: str, head: int = 1400, tail: int = 500) -> str:
    """Test output for the model, quiet: the start (the first failure, in full) and the end
    (the summary); the middle of a long run is mostly more of the same."""
    output = quiet(output).strip()
    if len(output) <= head + tail + 20:
        return output
    return f"{output[:head]}\n[… {len(output) - head - tail} characters …]\n{output[-tail:]}"


COMMAND_SPAN = re.compile(r"`([^`\n]+)`")
SCRIPT_RUNNERS = {"bash", "sh", "python", "python3", "node", "ruby", "perl"}
SCRIPT = re.compile(r"(?:\./)?[\w./-]+\.(?:sh|py|js|rb|pl)")
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]+$|[<>\[\]]|\.\.\.")  # FILE, <path>, [args], ...


def test_command(request: str) -> str | None:
    """The test command the request gives, in backticks (`python -m pytest -q`) or on an
    indented code line, if any; else a script run it gives in backticks ("running `bash
    backup.sh` fails"), which says as much about a fix as a test does."""
    quoted = COMMAND_SPAN.findall(request)
    indented = [ln.strip() for ln in request.splitlines() if ln.startswith("    ")]
    for span in [*quoted, *indented]:
        if TEST_COMMAND.search(span):
            return span.strip()
    return next((span.strip() for span in quoted if is_script_run(span)), None)


def is_script_run(command: str) -> bool:
    """`bash x.sh`, `python3 app.py --fast`, `./run.sh`: a script of the workspace run with
    concrete arguments (not `python3 wc.py FILE` or `<path>`: a usage line, not a run)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    if words and words[0] in SCRIPT_RUNNERS:
        words = words[1:]
    elif not words or not words[0].startswith("./"):  # `app.py` alone names a file
        return False
    if not words or not SCRIPT.fullmatch(words[0]):
        return False
    return not any(PLACEHOLDER.search(word) for word in words[1:])


def shortfall(
    path: str, content: str, before: str | None = None, names: bool = False
) -> str | None:
    """Why a whole Python file just written is not done: it does not parse, or functions are
    still stubs (a body of only `pass` or `...`); with `names`, also a name it uses and never
    binds or a public name of `before` (the file ahead of the turn's first write) it dropped
    (agent/name_checks.py). None when nothing is wrong, or not Python."""
    if not path.endswith(".py"):
        return None
    try:
        tree = ast.parse(content)
    except SyntaxError as error:
        return f"{path} does not parse (line {error.lineno}: {error.msg})."
    except (ValueError, RecursionError, MemoryError):
        return None
    stubs = [
        node.name for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_stub(node)
    ]  # fmt: skip
    problems = []
    if stubs:
        listed = ", ".join(stubs[:5]) + (" …" if len(stubs) > 5 else "")
        problems.append(
            f"{path} still has functions with no implementation (body only `pass`): {listed}."
        )
    if names:
        problems.append(name_problems(path, tree, before) or "")
    return " ".join(p for p in problems if p) or None


def _is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if node.decorator_list:  # @abstractmethod, @overload, properties on purpose
        return False
    params = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
    if node.name == "__init__" and not [p for p in params if p not in ("self", "cls")]:
        return False  # an empty constructor with nothing to keep is fine
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            body = body[1:]  # the docstring
    if len(body) != 1:
        return False
    only = body[0]
    return isinstance(only, ast.Pass) or (
        isinstance(only, ast.Expr)
        and isinstance(only.value, ast.Constant)
        and only.value.value is Ellipsis
    )
