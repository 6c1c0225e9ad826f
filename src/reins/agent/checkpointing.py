"""The checkpoint hook: snapshot before a turn's first change, and again when it ends.

The `before` snapshot is taken lazily, when a reply first asks for a call that may change
something (an exclusive access), so a turn that only reads costs nothing. Files the file
tools are about to edit are covered even where ignore rules leave them out of snapshots.
What the turn changed comes back in its outcome (`changes`), for the end-of-run summary
and `--json`.
A snapshot that fails is a notice, never the end of the turn: the work matters more.
"""

from __future__ import annotations

from reins.agent.hooks import Hook, StepPlan, Turn
from reins.agent.outcome import RunOutcome
from reins.checkpoints import CheckpointError, Checkpoints
from reins.project_guard import NotAProject, check_project
from reins.tools.files import EDIT_TOOLS  # their access keys are the files

CHECKPOINT_ADVICE = "Run reins in the project's folder (--repo PATH) to have undo."


class Checkpointing(Hook):
    def __init__(self, checkpoints: Checkpoints):
        self.checkpoints = checkpoints
        self.taken = False
        self.broken = False  # one failure turns checkpoints off for the session
        self.pruned = False  # old checkpoints are dropped once per session

    def on_start(self, turn: Turn) -> None:
        self.taken = False
        # files edited this turn, checked for ignore rules; again at the end, since a file
        # the turn created exists only then
        self.covered: set[str] = set()

    def after_reply(self, turn: Turn, plan: StepPlan) -> None:
        if self.broken or not plan.run:
            return
        executor = turn.session.executor
        accesses = [(call, executor.access_of(call)) for call in plan.run]
        if not any(access.is_exclusive for _, access in accesses):
            return
        edited = sorted({key for call, access in accesses if call.name in EDIT_TOOLS
                         for key in (access.keys or ()) if key not in self.covered})  # fmt: skip
        self.covered.update(edited)
        try:
            if not self.taken:
                if not self.checkpoints.shadow.exists():  # a first snapshot hashes every file
                    check_project(self.checkpoints.shadow.root, what="checkpointed",
                                  advice=CHECKPOINT_ADVICE)  # fmt: skip
                self.checkpoints.cover(turn.session.id, None, edited)
                self.checkpoints.begin_turn(turn.session.id, turn.number, turn.request)
                self.taken = True
            elif edited:
                self.checkpoints.cover(turn.session.id, turn.number, edited)
        except (CheckpointError, NotAProject, OSError, ValueError) as error:
            self.broken = True
            turn.notice(f"checkpoints are off for this session ({error}); changes cannot be undone")
            return
        if not self.pruned:  # housekeeping: its failure costs nothing but disk
            self.pruned = True
            try:
                self.checkpoints.prune()
            except (CheckpointError, OSError, ValueError):
                pass

    def on_stop(self, turn: Turn, outcome: RunOutcome) -> None:
        if not self.taken:
            return
        self.taken = False
        try:
            self.checkpoints.cover(turn.session.id, None, sorted(self.covered))
            changes = self.checkpoints.end_turn(turn.session.id, turn.number)
        except (CheckpointError, OSError, ValueError) as error:
            turn.notice(f"could not checkpoint the end of the turn ({error})")
            return
        outcome.changes = [change.to_dict() for change in changes]
