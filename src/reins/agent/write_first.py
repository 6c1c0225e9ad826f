"""WriteFirst (`write_first_kb`, files call style): a request (not a question) that names
exactly one small file (a stub to fill in, a short module to change) gets its first reply
started as that file's block, so the model writes the new version at once, as for aider,
instead of wandering through tools first. A written file that does not parse or still has stub
functions is asked for once more; so is a script that never mentions a long option the
request runs it with (`python3 wc.py --lines FILE`), with that version erased and the next
sampled hotter (agent/shortfall.py). With `test_after_write` and a test command in the
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

import asyncio
import posixpath
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from reins.agent.attachments import (
    TEST_FILE,
    attach_paths,
    block_opener,
    code_files,
    kept_files,
    new_files,
)
from reins.agent.expected_output import (
    Expected,
    keeps_output,
    output_mismatch,
    stated_output,
    still_reported,
)
from reins.agent.failing_test import FailingTest, first_failing, render
from reins.agent.hooks import Hook, ModelRequest, StepPlan, Stop, Turn
from reins.agent.name_sites import word_sites
from reins.agent.output_paths import (
    blamed_file,
    cd_dir,
    ending_in,
    module_hint,
    relative_paths,
    resolved,
)
from reins.agent.protocols.fences import file_blocks
from reins.agent.request_shape import TEST_COMMAND, is_question, run_arguments, test_command
from reins.agent.same_code import same_code
from reins.agent.self_check import (
    CHECK_TOKENS,
    CheckResult,
    check_opening,
    check_path_for,
    module_of,
    run_check,
)
from reins.agent.shortfall import broken_parse, options_note, shortfall, unhandled_options
from reins.agent.test_runs import excerpt, first_failure, run_test_command
from reins.agent.test_score import said_score, test_counts, visible_score
from reins.index.chunker import language_for
from reins.models.messages import ToolCall
from reins.tools.executor import ExecutedCall
from reins.tools.files import EDIT_TOOLS, NO_CHANGE
from reins.tools.offload import off_loop

if TYPE_CHECKING:
    from reins.agent.outcome import RunOutcome
    from reins.models.messages import Message


# A file written until the reply's token limit, asked for again without it in the context
CUT_FILE = (
    "Your last reply was cut off at the length limit before {path} was complete. Write the "
    "whole of {path} again, shorter: a general rule (a loop, a table), not one branch per "
    "case, complete."
)


class WriteFirst(Hook):
    RETRIES = 1  # a written file that is still a stub, or does not parse, is asked for again
    RESAMPLES = 2  # an identical rewrite of a failing file is erased and asked for again...
    HOT = 0.8  # ...at this temperature: the same prompt at a low one gives the same file
    MAX_FOLLOWS = 6  # moves to the file a failure points at, in one change (follow_failures)
    RESTORE_MARGIN_S = 30.0  # time left for restore_when_stuck's run of the file as it was

    def __init__(
        self, max_bytes: int, test_after_write: bool = False, test_rounds: int = 3,
        fragments: bool = False, fresh: bool = False, self_check: bool = False,
        check_rounds: int = 2, name_checks: bool = False, follow_failures: bool = False,
        fork: bool = False, stop_when_stuck: bool = False, first_named: bool = False,
        check_output: bool = False, keep_original: bool = False, focus: bool = False,
    ) -> None:  # fmt: skip
        # a failing test run is shown as its first failing test: source and failure
        self.focus = focus
        # a stuck stop puts the file back as it was when no version did better on the run
        self.keep_original = keep_original
        # a run that exits 0 without printing what the request says it prints has failed
        self.check_output = check_output
        # several code files attached whole for a change: the first one named is the target
        self.first_named = first_named
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
        # what the request says the command prints ("should print exactly: ..."), if it does
        self.stated = (
            stated_output(turn.request, self.command)
            if self.command and self.check_output else None
        )  # fmt: skip
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
        self.last_version: str | None = None  # the model's last write of the file, as code
        self.written: set[str] = set()  # files the loop has checked a write of this turn
        self.follows = 0  # times the loop moved to another file of the change
        self.failures_seen: dict[str, int] = {}  # a failing run's first failure -> times
        self.originals: dict[str, str] = {}  # attached code files, as they were
        self.moved: set[str] = set()  # targets a write of this turn changed as code
        self.others_changed = False  # a file other than the target changed this turn

    async def before_first_call(self, turn: Turn) -> None:
        """Keep what the attached code files hold, for a file the loop adopts later. A
        request that says its command must print what it prints now: keep that output (run
        twice: an output that changes by itself, a time or a count, is no standard)."""
        self.originals = {  # what an adopted file held before the model wrote it
            p: _read(turn, p) for p in code_files(turn.attached) if p not in turn.cut
        }
        if not (self.check_output and self.test_after_write) or self.stated or not self.command:
            return
        if is_question(turn.request) or not keeps_output(turn.request, self.command):
            return
        first = await self._run_tests(turn)
        if first[0] == 0 and await self._run_tests(turn) == first:
            self.stated = Expected(first[1], "before")

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
        # `python3 cli.py export out.csv`, `… > newsletter.txt`: the run's input or output,
        # named only in the run, is no file the request asks the model to write
        ran = run_arguments(turn.request)
        created = [p for p in created if posixpath.normpath(p) not in ran]
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
        if len(targets) > 1 and self.command:  # `python3 worker.py queue.json`: data the
            # request's command runs on is its input, not the file to change
            words = set(self.command.split())
            targets = [p for p in targets if language_for(p) or p not in words]
        if len(targets) > 1:  # a package's __init__ attached beside its modules re-exports
            targets = [p for p in targets if not p.endswith("__init__.py")]
        if len(targets) > 1:  # a traceback pasted in the request ends where the fix goes
            deepest = blamed_file(turn.request, "", lambda m: ending_in(targets, m))
            targets = [deepest] if deepest else targets
        whole = [p for p in targets if p not in turn.cut]
        if len(targets) == 1 and whole and turn.attached[whole[0]] <= self.max_bytes:
            return whole[0]
        if len(targets) > 1 and self.first_named:  # a change across files: the first one
            # the request names leads, when it is small and shown whole (the model goes on
            # to the next with its tools)
            first = targets[0]
            return first if first in whole and turn.attached[first] <= self.max_bytes else None
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
            self.others_changed = True
        wrote = _written(executed, self.path)
        if not wrote and self.follow_failures and self.command and self.test_after_write:
            wrote = self._adopt(turn, executed)  # a change across files: the file the
            # model wrote instead is the one the loop checks now
        self.written.update(str(i.call.arguments.get("path")) for i in wrote)
        if self.path is None or not wrote:
            return
        if self.first_write is None:
            self.first_write = plan.reply
        version = as_code(str(wrote[0].call.arguments.get("content", "")))
        # the model's last version again: on disk it may differ (an import reins added)
        identical = wrote[0].result.output.startswith(NO_CHANGE) or version == self.last_version
        self.last_version = version
        if version in self.failed:
            self.repeats += 1
            if self.stop_when_stuck and self.repeats > self.RESAMPLES:
                await self._stop_stuck(turn, plan, version)
                return
        if identical and self.failing:
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
        if self.before is None or not same_code(self.path, content, self.before):
            self.moved.add(self.path)  # changed this turn: written back later, it is a revert
        problem = shortfall(self.path, content, self.before, self.name_checks) or broken_parse(
            self.path, wrote[0].result.output
        )
        root = turn.session.executor.ctx.workspace.root
        missing = [
            option for option in unhandled_options(turn.request, self.path, content)
            if not await off_loop(_spelt_elsewhere, root, option, self.path)  # ripgrep
        ]  # fmt: skip
        options = options_note(self.path, missing) if missing else ""
        if (problem or options) and self.retries < self.RETRIES:
            self.retries += 1
            self.again = True
            if problem and plan.cut:  # written until the token limit: left in the context,
                # the greedy retry wrote the same cut file again (5 of 7 logged cuts, 60-85 s
                # each; one branch per case: scale-generator, say, sgf-parsing)
                self.hot = True
                plan.erase = CUT_FILE.format(path=self.path)
                if self.first_write is plan.reply:
                    self.first_write = None
            elif problem or len(executed) > 1:
                problem = f"{problem} {options}".strip()
                plan.note += f"\n[reins: {problem} Write the whole file again, complete.]"
            else:  # told in a note, the model wrote its version back unchanged (seen twice):
                # this one leaves the context, and the next is sampled hotter
                self.hot = True
                plan.erase = f"{options} Write the whole of {self.path} again, complete."
                if self.first_write is plan.reply:
                    self.first_write = None  # gone from the context with its step
            return
        if self.command is None:
            if TEST_COMMAND.search(turn.request):
                return
            if self.self_check and self.path.endswith(".py"):
                await self._self_check(turn, plan)
            elif not await self._unchanged(turn, plan):  # nothing to check it against
                plan.stop = Stop("completed", self._what_it_did())
            return
        if not self.test_after_write:
            return
        exit_code, output = await self._run_tests(turn)
        turn.test_runs.append((self.command or "", exit_code, output))
        focused = self._first_failing(turn, output) if exit_code not in (0, -1) else None
        shown = render(focused, self.command or "") if focused else None
        plan.note += (
            f"\n[reins ran `{self.command}`: exit code {exit_code}]\n{shown or excerpt(output)}"
        )
        if exit_code != 0 and (hint := module_hint(output, turn.session.executor.ctx)):
            plan.note += "\n" + hint
        wrong = output_mismatch(self.stated, output) if exit_code == 0 and self.stated else None
        if wrong:  # it ran, but did not print what the request says it must
            plan.note += f"\n[reins: `{self.command}` does not print what the task says.]\n{wrong}"
        errors = still_reported(turn.request, output) if exit_code == 0 and not wrong else []
        if errors:  # it exited 0, but printed the error the request reports again
            shown = "\n".join(errors[:3])
            wrong = f"It still prints the error the task reports:\n{shown}"
            plan.note += (
                f"\n[reins: `{self.command}` exits 0, but still prints the error the task "
                f"reports:]\n{shown}"
            )
        self.failing = exit_code != 0 or wrong is not None
        self.failures = excerpt(wrong or output, head=700, tail=200) if self.failing else ""
        # what the stuck stop reads (a timed-out run may pass another time: not counted)
        if self.stop_when_stuck and self.failing and exit_code != -1:
            self.failed[version] = (exit_code or 1, wrong or output)  # a wrong output fails
            score = visible_score(*self.failed[version])
            if self.best is None or score > self.best[0]:  # the first of the most passed
                self.best = (score, _read(turn, self.path))  # the file, not a merged part
            if self.follow_failures and self._going_round(turn, plan, output):
                return
        if not self.failing:
            if not await self._unchanged(turn, plan):
                plan.stop = Stop("completed", f"{self._what_it_did()}; `{self.command}` passes")
        elif self.rounds < self.test_rounds:
            self.rounds += 1
            self.again = True
            if self.follow_failures and self.follows < self.MAX_FOLLOWS:
                if self._follow(turn, plan, output):
                    self.follows += 1
                    self.rounds -= 1  # another file of the change: not a round on this one
                    return
            what = (
                "the new version of the function(s) you change"
                if self.path in turn.cut else "the whole file"
            )  # fmt: skip
            goal = (
                "the tests pass" if TEST_COMMAND.search(self.command)
                else f"`{self.command}` no longer prints that error" if errors
                else f"`{self.command}` prints what the task says" if wrong
                else f"`{self.command}` works"
            )  # fmt: skip
            if focused:
                goal = f"{focused.name} passes (the others may pass with it)"
            plan.note += f"\n[reins: fix {self.path} so {goal}: write {what} again.]"

    async def at_deadline(self, turn: Turn) -> str | None:
        """Out of time with the file at a version that passed fewer tests than an earlier
        one: the earlier one goes back (the stuck stop's rule, at the deadline)."""
        if not self.stop_when_stuck or self.best is None or self.last_version is None:
            return None
        last = self.failed.get(self.last_version)
        if last is None or visible_score(*last) >= self.best[0]:
            return None  # untested, passing, or the best already
        if _read(turn, self.path or "") == self.best[1]:
            return None
        if not await self._put_back(turn, self.best[1]):
            return None
        return self._best_put_back(self.best[0], visible_score(*last))

    def _first_failing(self, turn: Turn, output: str) -> FailingTest | None:
        if not self.focus:
            return None
        root = str(turn.session.executor.ctx.workspace.root).rstrip("/") + "/"
        return first_failing(output, lambda path: _read(turn, path.removeprefix(root)))

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
            f"version's run failed (exit code {exit_code}): {first_failure(output)}"
        )
        score = visible_score(exit_code, output)
        best = self.best if self.best is not None and self.best[0] > score else None
        if self._may_restore(turn):
            last = _read(turn, self.path or "")  # the model's last version, as on disk
            try:
                run = await self._original_run(turn)
            except asyncio.CancelledError:  # Ctrl-C or the deadline: the model's version back
                await self._put_back(turn, last)
                raise
            to_beat = best[0] if best else score
            if run is not None:  # None: it could not be written back, nothing changed
                original = -1.0 if run[0] == -1 else visible_score(*run)  # -1: timed out
                if original >= to_beat:
                    text += (
                        f"\n[reins: put back {self.path} as it was: no version the model wrote "
                        f"did better on `{self.command}` ({_ran_before(run, to_beat)}); its "
                        "versions are in the session log]"
                    )
                    turn.notice(text)
                    plan.stop = Stop("error", text)
                    return
                best = best or (score, last)  # it did worse: the model's version goes back
        if best is not None and await self._put_back(turn, best[1]):  # the best version seen
            if best[0] > score:
                text += "\n" + self._best_put_back(best[0], score)
        turn.notice(text)
        plan.stop = Stop("error", text)

    def _best_put_back(self, best: float, last: float) -> str:
        return (
            f"[reins: put back the version of {self.path} that passed the most tests "
            f"({best:.0%} of them, against {last:.0%})]"
        )

    def _may_restore(self, turn: Turn) -> bool:
        """restore_when_stuck applies: the loop's one file is the whole change (no other
        file changed, the loop never moved), and there is time for its run before the
        deadline, which could otherwise fall between putting it back and the better
        version going back."""
        return (
            self.keep_original and self.path in self.moved and not self.others_changed
            and not self.follows and self.before is not None
            and _time_left(turn) > self.RESTORE_MARGIN_S
        )  # fmt: skip

    async def _original_run(self, turn: Turn) -> tuple[int, str] | None:
        """The file put back as it was before the turn, and the request's run of it; None
        when it could not be written back. The file stays as it was (the caller writes a
        better version over it)."""
        if not await self._put_back(turn, self.before or ""):
            return None
        return await self._run_tests(turn)

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

    def _adopt(self, turn: Turn, executed: list[ExecutedCall]) -> list[ExecutedCall]:
        """With `follow_failures`, a whole code file the model wrote that is not the loop's
        target (there was none: several files attached; or the model chose another than the
        one the failure pointed at) becomes the target, so its write is checked by the
        request's command like the target's (seen: paging.py and cli.py written, `size`
        renamed, never run, api.py left calling the old name)."""
        if is_question(turn.request):
            return []
        kept = kept_files(turn.request)
        for item in executed:
            path = item.call.arguments.get("path")
            if (
                item.call.name == "write_file" and item.result.ok and isinstance(path, str)
                and language_for(path) and code_files([path]) and path not in kept
            ):  # fmt: skip
                if path != self.path:
                    self.follows += self.path is not None  # moved off the target
                    self.path, self.first_write, self.last_version = path, None, None
                    self.before = self.originals.get(path)  # an attached file, as it was
                    self._forget_failures()
                return [item]
        return []

    def _going_round(self, turn: Turn, plan: StepPlan, output: str) -> bool:
        """A change across files (the loop has moved to another file) ends the turn when
        the same failure comes back a third time, whichever file was written: moving
        between files clears the stuck stop's record of failed versions, and the model
        kept rewriting two files around one error until the budget ran out (shapes
        callers-after-lib-rename: 173 s, 108k tokens). One file's loop is left to the
        stuck stop. True when it stopped the turn."""
        failure = first_failure(relative_paths(output, turn.session.executor.ctx))
        self.failures_seen[failure] = seen = self.failures_seen.get(failure, 0) + 1
        if seen <= self.RESAMPLES or not self.follows:  # one file's loop: the stuck stop's
            return False
        text = (
            f"stopped: `{self.command}` failed the same way {seen} times, whichever file "
            f"was written: {failure}"
        )
        turn.notice(text)
        plan.stop = Stop("error", text)
        return True

    def _follow(self, turn: Turn, plan: StepPlan, output: str) -> bool:
        """When the failure points at another code file (small enough to write whole),
        make that file the one the next reply writes, shown as it is now."""
        ctx = turn.session.executor.ctx
        base = cd_dir(self.command or "")
        blamed = blamed_file(
            relative_paths(output, ctx),
            self.path or "",
            lambda m: resolved(ctx, base, m),
            self.written,
        )
        if blamed is None or blamed in turn.cut:  # a file shown in part is not rewritten whole
            return False
        shown, sizes = attach_paths("", [blamed], ctx, self.max_bytes, header="")
        if blamed not in sizes:  # too large to write whole
            return False
        turn.notice(f"the failure points at {blamed}: asking for it next")
        previous, self.path, self.first_write = self.path, blamed, None
        self.last_version = None
        self.before = _read(turn, blamed) or None
        self._forget_failures()  # another file now: its versions are new
        plan.note += (
            f"\n[reins: the failure is in {blamed}, not in {previous}. {blamed} as it is "
            f"now:]\n{shown.strip()}\n[reins: write the whole of {blamed} again, fixed.]"
        )
        return True

    async def _unchanged(self, turn: Turn, plan: StepPlan) -> bool:
        """The target written back as it was before the turn, or only reflowed (quotes,
        blank lines): not done, whatever the tests say (seen: a README given back unchanged,
        "done" since its tests passed; report.py with its quotes swapped, "done" since it
        still ran). Not once a write of this turn changed the file (`moved`, kept as each
        write is read): giving the old version back then undoes that change (seen: seed.py,
        an input, wrongly cut and then restored; asked for a change again, the model cut it
        once more). The file is put back as it was, the write erased and asked for again,
        hotter; True when it was."""
        if not (
            self.before is not None
            and self.resamples < self.RESAMPLES
            and self.path not in self.moved  # every write of it so far is the same code
        ):
            return False
        if _read(turn, self.path or "") != self.before:  # reflowed: the user's layout back
            await self._put_back(turn, self.before)
        self.resamples += 1
        self.again = self.hot = True
        plan.erase = (
            f"That block is {self.path} as it was: nothing is changed yet. Write "
            f"{self.path} again with the change the task asks for, complete."
        )
        return True

    def _what_it_did(self) -> str:
        """What the turn did to the target, for its final message: a file the model only
        ever gave back unchanged (once asking again is spent) is not "wrote"."""
        if self.path in self.moved:
            return f"wrote {self.path}"
        return f"left {self.path} as it was (the model wrote it back unchanged)"

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


def _spelt_elsewhere(root: Path, option: str, path: str) -> bool:
    """Another code file of the workspace (not a test) spells the option: the script's
    parser may live in a module it imports (`from cli import parser`)."""
    rg = shutil.which("rg")
    sites = word_sites(rg, root, option) if rg else {}
    return any(f != path and language_for(f) and not TEST_FILE.search(f) for f in sites)


def _ran_before(run: tuple[int, str], best: float) -> str:
    """How the file as it was did on the request's run, against the best version since."""
    if test_counts(run[1]):
        return f"{said_score(*run)} before, {best:.0%} at best since"
    return "it exited 0 before" if run[0] == 0 else "it failed before too"


def _time_left(turn: Turn) -> float:
    """Seconds before the turn's deadline (infinite without one)."""
    if turn.deadline is None:
        return float("inf")
    return turn.deadline - asyncio.get_running_loop().time()


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


def _read(turn: Turn, path: str) -> str:
    try:
        return turn.session.executor.ctx.workspace.read_bytes(path).decode("utf-8", "replace")
    except OSError:
        return ""


def _failing(result: CheckResult) -> str:
    return f"{result.failed} of {result.passed + result.failed} of its examples still fail"
