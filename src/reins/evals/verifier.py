"""Run a task's verifier (tests/test.sh) or solution (solution/solve.sh) the way Harbor's
containers do, in the reins sandbox instead of a container: the workspace is the working
directory, the tests are at /tests (read-only), /logs/verifier is writable, no network.
The tests are mounted only now, after the agent has finished, so the agent never sees them.
"""

from __future__ import annotations

import json
import shlex
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from reins.evals.task import Task
from reins.sandbox.bwrap import BubblewrapSandbox, Mount
from reins.sandbox.factory import probe_bwrap

OUTPUT_KEPT = 4000  # characters of the verifier's output kept with the result


class VerifierUnavailable(RuntimeError):
    pass


@dataclass
class Verdict:
    reward: float
    rewards: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    output: str = ""
    error: str | None = None  # the verifier could not say (crashed, timed out, no reward)


def _sandbox(workspace: Path, mounts: tuple[Mount, ...]) -> BubblewrapSandbox:
    features = probe_bwrap()
    if features is None:
        raise VerifierUnavailable(
            "running a verifier needs bubblewrap (it mounts the tests at /tests); "
            "install it with: apt-get install bubblewrap"
        )
    return BubblewrapSandbox(str(workspace), features=features, mounts=mounts)


async def verify(task: Task, workspace: Path, timeout_s: float | None = None) -> Verdict:
    timeout_s = timeout_s or task.verifier_timeout_s
    with tempfile.TemporaryDirectory(prefix="reins-verifier-") as logs:
        mounts = (Mount(task.tests, "/tests"), Mount(Path(logs), "/logs/verifier", True))
        sandbox = _sandbox(workspace, mounts)
        start = time.perf_counter()
        command = with_env("bash /tests/test.sh", task.verifier_env)
        result = await sandbox.exec(command, str(workspace), timeout_s)
        seconds = time.perf_counter() - start
        output = result.output[-OUTPUT_KEPT:]
        if result.timed_out:
            return Verdict(0.0, {}, seconds, output, f"verifier timed out after {timeout_s:g} s")
        rewards, problem = read_rewards(Path(logs))
    if problem:
        return Verdict(0.0, {}, seconds, output,
                       f"{problem} (verifier exit code {result.exit_code})")  # fmt: skip
    return Verdict(rewards["reward"], rewards, seconds, output)


async def apply_solution(task: Task, workspace: Path, timeout_s: float) -> tuple[bool, str]:
    """The oracle: run solution/solve.sh in the workspace. (ok, output)."""
    if task.solution is None:
        return False, f"{task.name} has no solution/solve.sh"
    sandbox = _sandbox(workspace, (Mount(task.solution.parent, "/solution"),))
    command = with_env("bash /solution/solve.sh", task.solution_env)
    result = await sandbox.exec(command, str(workspace), timeout_s)
    ok = not result.timed_out and result.exit_code == 0
    return ok, result.output[-OUTPUT_KEPT:]


def with_env(command: str, env: dict[str, str]) -> str:
    """`command` with the task's [verifier] or [solution] env set for it."""
    if not env:
        return command
    return "env " + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()) + " " + command


def read_rewards(logs: Path) -> tuple[dict[str, float], str | None]:
    """reward.json ({"reward": x, ...named}) wins over reward.txt (one number); a
    reward.json without a "reward" key (only named numbers) takes it from reward.txt, or
    from its one number. Other booleans (`"timed_out": true`) are flags, not rewards."""
    json_file, text_file = logs / "reward.json", logs / "reward.txt"
    try:
        if json_file.is_file():
            data = json.loads(json_file.read_text("utf-8"))
            if not isinstance(data, dict):
                return {}, "reward.json is not an object"
            rewards = {
                str(k): float(v) for k, v in data.items()
                if isinstance(v, int | float) and (k == "reward" or not isinstance(v, bool))
            }  # fmt: skip
            if "reward" not in rewards:
                if text_file.is_file():
                    rewards["reward"] = float(text_file.read_text("utf-8").strip())
                elif len(rewards) == 1:
                    rewards["reward"] = next(iter(rewards.values()))
                else:
                    return {}, 'reward.json has no "reward" key (and there is no reward.txt)'
        elif text_file.is_file():
            rewards = {"reward": float(text_file.read_text("utf-8").strip())}
        else:
            return {}, "the verifier wrote no reward (/logs/verifier/reward.txt or reward.json)"
    except (ValueError, OSError) as error:
        return {}, f"unreadable reward: {error}"
    rewards["reward"] = min(1.0, max(0.0, rewards["reward"]))
    return rewards, None
