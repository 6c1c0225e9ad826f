"""What a container task costs the bench, next to the same task as a workspace task.

One task, two forms: `environment/workspace/` (the bench's sandbox, bubblewrap) and
`environment/Dockerfile` (its own container: podman or docker; the image is built from
this machine's busybox, once, before the clock). Each form runs TRIALS trials with the
oracle and with a scripted reins agent (a command, a write, a command), alternating so
machine noise falls on both. Reported per form: median and p90 trial time, and where a
container trial's time goes (starting the environment, the agent, the verifier).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from reins.config import Config  # noqa: E402
from reins.evals.bench import plan_arms, plan_trials, run_bench  # noqa: E402
from reins.evals.container import find_engine  # noqa: E402
from reins.evals.task import load_suite  # noqa: E402
from reins.evals.variants import Variant  # noqa: E402
from reins.testing.busybox_image import BUSYBOX_IMAGE, ensure_busybox_image  # noqa: E402

TRIALS = 15
TEST_SH = """#!/bin/sh
if grep -q "a + b" calc.txt; then echo 1 > /logs/verifier/reward.txt
else echo 0 > /logs/verifier/reward.txt; fi
"""
TURNS = [
    {"content": "", "tool_calls": [{"name": "run_command", "arguments": {"command": "cat calc.txt"}}]},
    {"content": "", "tool_calls": [{"name": "write_file", "arguments": {
        "path": "calc.txt", "content": "add = a + b\n"}}]},
    {"content": "", "tool_calls": [{"name": "run_command", "arguments": {"command": "cat calc.txt"}}]},
    {"content": "done"},
]  # fmt: skip


def make_task(root: Path, name: str, container: bool) -> Path:
    task = root / name
    for folder in ("environment", "tests", "solution"):
        (task / folder).mkdir(parents=True)
    if container:
        (task / "environment" / "Dockerfile").write_text(
            f"FROM {BUSYBOX_IMAGE}\nWORKDIR /app\nRUN echo 'add = a - b' > /app/calc.txt\n"
        )
    else:
        (task / "environment" / "workspace").mkdir()
        (task / "environment" / "workspace" / "calc.txt").write_text("add = a - b\n")
    (task / "instruction.md").write_text("Make calc.txt say add = a + b.\n")
    (task / "task.toml").write_text(
        "[agent]\ntimeout_sec = 60\n[environment]\nallow_internet = false\n"
    )
    (task / "tests" / "test.sh").write_text(TEST_SH)
    (task / "solution" / "solve.sh").write_text("sed -i 's/a - b/a + b/' calc.txt\n")
    return task


def main() -> None:
    engine = find_engine()
    if engine is None or ensure_busybox_image(engine.path) is None:
        sys.exit("needs podman or docker and busybox (./dev setup installs them)")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        script = tmp / "turns.jsonl"
        script.write_text("\n".join(json.dumps(t) for t in TURNS) + "\n")
        forms = {"workspace": make_task(tmp / "w", "calc", False).parent,
                 "container": make_task(tmp / "c", "calc", True).parent}  # fmt: skip
        # the image is built once, before the clock (a bench builds it for its first trial)
        run_bench(plan_trials(load_suite(forms["container"]), plan_arms(["nop"], [Variant("base")]),
                              1, Config(), tmp / "warm", "b"), tmp / "warm")  # fmt: skip
        results: dict[tuple[str, str], list] = {}
        for trial in range(TRIALS):
            for agent in ("oracle", "reins"):
                for form, suite in forms.items():
                    out = tmp / f"{form}-{agent}-{trial}"
                    config = Config(model=f"scripted:{script}")
                    specs = plan_trials(load_suite(suite), plan_arms([agent], [Variant("base")]),
                                        1, config, out, "b")  # fmt: skip
                    (result,) = run_bench(specs, out)
                    assert result.passed and not result.error, (form, agent, result.error)
                    results.setdefault((form, agent), []).append(result)
    rows = []
    for (form, agent), done in sorted(results.items()):
        trial_s = sorted(r.trial_s for r in done)
        rows.append({
            "form": form, "agent": agent, "trials": len(done),
            "median_trial_s": statistics.median(trial_s), "p90_trial_s": trial_s[int(len(trial_s) * 0.9)],
            "median_environment_s": statistics.median(r.environment_s for r in done),
            "median_agent_s": statistics.median(r.wall_s for r in done),
            "median_verifier_s": statistics.median(r.verifier_s for r in done),
        })  # fmt: skip
    by = {(r["form"], r["agent"]): r["median_trial_s"] for r in rows}
    ratios = {
        agent: by[("container", agent)] / by[("workspace", agent)] for agent in ("oracle", "reins")
    }
    report(
        "container_overhead",
        f"container task vs workspace task ({engine.name}, {TRIALS} trials each): median trial "
        f"{ratios['oracle']:.2f}x (oracle), {ratios['reins']:.2f}x (scripted reins)",
        rows,
        {"engine": engine.name, "container_over_workspace": ratios},
    )


if __name__ == "__main__":
    main()
