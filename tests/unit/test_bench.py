"""`reins bench`: trials in fresh workspaces, verifiers that see what the agent never saw,
variants applied to the profile, resumable results, workers and Ray, the outputs."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reins.config import Config
from reins.evals.bench import plan_arms, plan_trials, run_bench
from reins.evals.results import RESULTS_FILE, TrialResult, append_result, load_results
from reins.evals.task import load_suite
from reins.evals.variants import VariantError, parse_variant
from reins.sandbox.factory import bwrap_works
from tests.conftest import write_script

pytestmark = pytest.mark.skipif(not bwrap_works(), reason="the verifier needs bubblewrap")

TEST_SH = """#!/bin/bash
cp /tests/test_calc.py .
if python3 -m unittest -q test_calc; then echo 1 > /logs/verifier/reward.txt
else echo 0 > /logs/verifier/reward.txt; fi
"""
TEST_PY = """import unittest
from calc import add
class T(unittest.TestCase):
    def test_add(self):
        self.assertEqual(add(2, 3), 5)
"""
SOLVE = "cat > calc.py <<'EOF'\ndef add(a, b):\n    return a + b\nEOF\n"


def make_suite(root: Path, n: int = 2, solve: str = SOLVE) -> Path:
    for i in range(n):
        task = root / f"add-{i}"
        for folder in ("environment/workspace", "tests", "solution"):
            (task / folder).mkdir(parents=True)
        (task / "instruction.md").write_text("Implement add(a, b) in calc.py.\n")
        (task / "task.toml").write_text('[metadata]\ncluster = "calc"\n[agent]\ntimeout_sec = 60\n')
        (task / "environment/workspace/calc.py").write_text("def add(a, b):\n    pass\n")
        (task / "tests/test.sh").write_text(TEST_SH)
        (task / "tests/test_calc.py").write_text(TEST_PY)
        (task / "solution/solve.sh").write_text(solve)
    return root


def bench(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reins", "bench", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def test_oracle_scores_one_and_nop_zero_end_to_end(tmp_path):
    suite = make_suite(tmp_path / "suite")
    done = bench(str(suite), "--agent", "oracle", "--agent", "nop", "--json",
                 "--out", str(tmp_path / "out"), "--report", str(tmp_path / "r.html"),
                 cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    rates = {v["name"]: v["pass_rate"] for v in result["variants"]}
    assert rates == {"oracle": 1.0, "nop": 0.0}
    (comparison,) = result["comparisons"]
    assert (comparison["a"], comparison["b"], comparison["diff"]) == ("oracle", "nop", -1.0)
    assert {t["task"] for t in result["trials"]} == {"add-0", "add-1"}
    lines = [json.loads(x) for x in (tmp_path / "out" / RESULTS_FILE).read_text().splitlines()]
    for trial in lines:  # when each ran and how busy the machine was, to spot contention
        assert 0 < trial["started_at"] <= trial["ended_at"] <= time.time()
        assert trial["load_1m"] >= 0 and trial["cpus"] >= 1
    page = (tmp_path / "r.html").read_text()
    assert "<svg" in page and "<script" not in page and 'src="http' not in page


def test_the_verifier_and_the_solution_get_their_env_from_task_toml(tmp_path):
    suite = make_suite(tmp_path / "suite", n=1, solve='echo "$GREETING" > greeting.txt\n')
    task = suite / "add-0"
    (task / "task.toml").write_text(
        '[verifier]\nenv = { WANT = "hello" }\n[solution]\nenv = { GREETING = "hello" }\n'
    )
    (task / "tests/test.sh").write_text(
        '#!/bin/bash\nif [ "$(cat greeting.txt)" = "$WANT" ]; then r=1; else r=0; fi\n'
        "echo $r > /logs/verifier/reward.txt\n"
    )
    done = bench(str(suite), "--agent", "oracle", "--json", "--out", str(tmp_path / "out"),
                 cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["variants"][0]["pass_rate"] == 1.0


def test_named_rewards_are_compared_too(tmp_path):
    suite = make_suite(tmp_path / "suite")
    for task in suite.iterdir():  # partial credit, as the Exercism import's verifier writes
        (task / "tests/test.sh").write_text(
            "if grep -q 'a + b' calc.py; then r=1; f=1; else r=0; f=0.25; fi\n"
            'echo "{\\"reward\\": $r, \\"fraction\\": $f}" > /logs/verifier/reward.json\n'
        )
    done = bench(str(suite), "--agent", "oracle", "--agent", "nop", "--json",
                 "--out", str(tmp_path / "out"), "--report", str(tmp_path / "r.html"),
                 cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "named rewards" in (tmp_path / "r.html").read_text()
    (named,) = json.loads(done.stdout)["reward_comparisons"]
    assert (named["a"], named["b"], named["metric"]) == ("oracle", "nop", "fraction")
    assert (named["a_mean"], named["b_mean"], named["diff"]) == (1.0, 0.25, -0.75)
    shown = bench(str(suite), "--agent", "oracle", "--agent", "nop", "--no-run",
                  "--out", str(tmp_path / "out"), cwd=tmp_path)  # fmt: skip
    assert "named rewards" in shown.stdout and "fraction" in shown.stdout


def test_the_agent_never_sees_the_tests(tmp_path):
    peek = "ls /tests > seen.txt 2>&1; ls -a >> seen.txt; " + SOLVE
    suite = make_suite(tmp_path / "suite", n=1, solve=peek)
    tasks = load_suite(suite)
    out = tmp_path / "out"
    spec = plan_trials(tasks, plan_arms(["oracle"], [parse_variant("base")]), 1, Config(),
                       out, "b")[0]  # fmt: skip
    from dataclasses import replace

    from reins.evals.trial import run_trial

    result = run_trial(replace(spec, keep=True))
    assert result.passed
    try:
        text = (Path(result.workspace) / "seen.txt").read_text()
    finally:
        shutil.rmtree(result.workspace)
    assert "No such file" in text and "test_calc.py" not in text


def test_a_variant_changes_the_profile_and_the_settings(tmp_path):
    suite = make_suite(tmp_path / "suite", n=1)
    script = write_script(tmp_path / "turns.jsonl", [
        {"content": "", "tool_calls": [{"name": "run_command", "arguments": {"command": "ls"}}]},
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "calc.py"}},
                                       {"name": "write_file", "arguments": {
            "path": "calc.py", "content": "def add(a, b):\n    return a + b\n"}}]},
        {"content": "done"},
    ])  # fmt: skip
    tasks = load_suite(suite)
    variants = [parse_variant("base"),
                parse_variant("writer:profile.tools=read_file,write_file"),
                parse_variant("short:max_steps=1")]  # fmt: skip
    out = tmp_path / "out"
    specs = plan_trials(tasks, plan_arms(["reins"], variants), 1,
                        Config(model=f"scripted:{script}"), out, "b")  # fmt: skip
    results = {r.variant: r for r in run_bench(specs, out)}
    assert results["base"].passed and results["base"].tool_kinds == {"ok": 3}
    # run_command is not a tool of the variant: the call is refused, the write still works
    assert results["writer"].passed
    assert results["writer"].tool_kinds == {"InvalidArguments": 1, "ok": 2}
    assert results["short"].status == "max_steps" and not results["short"].passed
    trajectories = sorted((out / "trajectories").glob("*.json"))  # Harbor's ATIF, per trial
    assert len(trajectories) == 3
    assert json.loads(trajectories[0].read_text())["schema_version"].startswith("ATIF")


def test_variant_syntax_errors_are_clear():
    tools = parse_variant("w:profile.tools=read_file,grep,write_file").profile["tools"]
    assert tools == ["read_file", "grep", "write_file"]
    assert parse_variant("s:max_steps=3,profile.temperature=0.5").settings == {"max_steps": 3}
    for spelled in ("false", "False"):  # TOML's and Python's (what the plan prints)
        assert parse_variant(f"n:profile.name_checks={spelled}").profile == {"name_checks": False}
    for bad in (
        "",
        ":max_steps=1",
        "x:colour=red",
        "x:profile.colour=red",
        "x:oops",
        "x:profile.tools=teleport",
        "x:max_steps=lots",
        "x:command_timeout_s=0",
    ):
        with pytest.raises(VariantError):
            parse_variant(bad)
    with pytest.raises(VariantError, match="max_steps must be a whole number"):
        parse_variant("x:max_steps=2.5")


def test_a_killed_bench_resumes_without_losing_or_repeating_trials(tmp_path):
    suite = make_suite(tmp_path / "suite", n=6, solve="sleep 0.7; " + SOLVE)
    out = tmp_path / "out"
    args = [sys.executable, "-m", "reins", "bench", str(suite), "--agent", "oracle",
            "--out", str(out), "--json"]  # fmt: skip
    first = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    results = out / RESULTS_FILE
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if results.is_file() and len(results.read_text().splitlines()) >= 2:
            break
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    before = results.read_text().splitlines()
    assert 2 <= len(before) < 6
    again = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-1500:]
    lines = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    keys = [(r["task"], r["variant"], r["epoch"]) for r in lines]
    assert len(keys) == len(set(keys)) == 6  # none lost, none run twice
    assert lines[: len(before)] == [json.loads(line) for line in before]
    assert json.loads(again.stdout)["variants"][0]["pass_rate"] == 1.0


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_stops_a_bench_like_ctrl_c_and_leaves_no_command_running(tmp_path, workers):
    # `kill PID` (a scheduler, a CI timeout) must not leave the trial's commands running:
    # they would keep a serial model server or the CPU busy under the next bench
    marker = f"sleep 61.{os.getpid() % 1000}{workers}"
    suite = make_suite(tmp_path / "suite", n=2)
    script = write_script(tmp_path / "turns.jsonl", [
        {"content": "", "tool_calls": [{"name": "run_command", "arguments": {
            "command": marker, "timeout_s": 100}}]},
    ] * 2)  # fmt: skip
    bench = subprocess.Popen(
        [sys.executable, "-m", "reins", "bench", str(suite), "--model", f"scripted:{script}",
         "--workers", workers, "--out", str(tmp_path / "out")],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip

    def running() -> bool:
        found = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
        return bool(found.stdout.strip())

    deadline = time.monotonic() + 60
    while not running() and time.monotonic() < deadline and bench.poll() is None:
        time.sleep(0.1)
    assert running(), "the trial's command never started"
    bench.send_signal(signal.SIGTERM)  # the bench alone, not its process group
    _, err = bench.communicate(timeout=60)
    assert bench.returncode == 143 and "terminated" in err, err[-1500:]
    deadline = time.monotonic() + 10
    while running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running()


def test_a_torn_last_line_is_ignored_and_not_glued_to_the_next(tmp_path):
    first = TrialResult("t1", "v", 1, "nop", 0.0, False)
    append_result(tmp_path, first)
    with open(tmp_path / RESULTS_FILE, "a") as handle:
        handle.write('{"task": "t2", "variant"')  # killed mid-write
    append_result(tmp_path, TrialResult("t3", "v", 1, "nop", 1.0, True))
    assert sorted(load_results(tmp_path)) == [("t1", "v", 1), ("t3", "v", 1)]


def test_a_different_plan_in_the_same_out_is_refused_but_arms_may_be_added(tmp_path):
    suite = make_suite(tmp_path / "suite", n=2)
    out = str(tmp_path / "out")
    assert bench(str(suite), "--agent", "nop", "--out", out, "--json", cwd=tmp_path).returncode == 0
    other = bench(str(suite), "--agent", "oracle", "--out", out, "--json", cwd=tmp_path)
    assert other.returncode == 1 and "different bench" in other.stderr
    fewer = bench(
        str(suite), "--agent", "nop", "--limit", "1", "--out", out, "--json", cwd=tmp_path
    )
    assert fewer.returncode == 1 and "may only add arms" in fewer.stderr
    more = bench(str(suite), "--agent", "nop", "--agent", "oracle", "--out", out, "--json",
                 cwd=tmp_path)  # fmt: skip
    assert more.returncode == 0, more.stderr[-800:]
    rows = [json.loads(line) for line in (Path(out) / RESULTS_FILE).read_text().splitlines()]
    assert sorted((r["variant"], r["task"]) for r in rows) == [
        ("nop", "add-0"),
        ("nop", "add-1"),
        ("oracle", "add-0"),
        ("oracle", "add-1"),
    ]  # the nop trials were not run again
    arms = {v["name"]: v["pass_rate"] for v in json.loads(more.stdout)["variants"]}
    assert arms == {"nop": 0.0, "oracle": 1.0}


def test_agent_timeout_caps_every_agent_and_is_kept_for_the_resume(tmp_path):
    slow = "sleep 30\n" + SOLVE  # the task itself allows 60 s
    suite = make_suite(tmp_path / "suite", n=1, solve=slow)
    out = str(tmp_path / "out")
    started = time.monotonic()
    done = bench(str(suite), "--agent", "oracle", "--agent-timeout", "2", "--out", out,
                 "--json", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-800:]
    assert time.monotonic() - started < 25  # stopped at 2 s, not the task's 60
    (trial,) = json.loads(done.stdout)["trials"]
    assert not trial["passed"] and "the solution failed" in trial["error"]
    assert json.loads((Path(out) / "bench.json").read_text())["plan"]["agent_timeout_s"] == 2
    # another cap would mix two budgets in one row
    other = bench(str(suite), "--agent", "oracle", "--agent-timeout", "5", "--out", out,
                  "--json", cwd=tmp_path)  # fmt: skip
    assert other.returncode == 1 and "different bench" in other.stderr


def test_workers_and_ray_give_the_same_results(tmp_path):
    suite = make_suite(tmp_path / "suite", n=4)
    tasks = load_suite(suite)
    arms = plan_arms(["oracle", "nop"], [parse_variant("base")])
    outcomes = {}
    modes = [("inline", {}), ("workers", {"workers": 2})]
    try:
        import ray  # noqa: F401

        modes.append(("ray", {"ray": "", "workers": 2}))
    except ImportError:
        pass
    for name, options in modes:
        out = tmp_path / name
        specs = plan_trials(tasks, arms, 1, Config(), out, "b")
        results = run_bench(specs, out, **options)
        outcomes[name] = sorted((r.task, r.variant, r.reward) for r in results)
    assert len({tuple(v) for v in outcomes.values()}) == 1
    assert len(outcomes["inline"]) == 8


def test_a_reins_agent_cannot_read_the_suites_tests_or_solutions(tmp_path):
    suite = make_suite(tmp_path / "suite", n=1)
    task = suite / "add-0"
    peek = f"cat {task}/tests/test_calc.py {task}/solution/solve.sh; ls {tmp_path / 'out'}"
    script = write_script(tmp_path / "turns.jsonl", [
        {"content": "", "tool_calls": [{"name": "run_command", "arguments": {"command": peek}}]},
        {"content": "done"},
    ])  # fmt: skip
    out = tmp_path / "out"
    specs = plan_trials(load_suite(suite), plan_arms(["reins"], [parse_variant("base")]), 1,
                        Config(model=f"scripted:{script}"), out, "b")  # fmt: skip
    (result,) = run_bench(specs, out)
    from reins.agent.store_writer import load_history
    from reins.store import SessionStore

    store = SessionStore(out / "sessions.db")
    (tool,) = [m for m in load_history(store, result.session_id) if m.role == "tool"]
    store.close()
    assert "assertEqual" not in tool.content and "return a + b" not in tool.content
    assert "No such file" in tool.content


def test_a_reins_run_that_ends_in_its_own_error_is_still_graded(tmp_path):
    # The fix lands, then the model loops on a failing call until the guard stops it:
    # the verifier's pass counts, and the stop is the agent's error, not the bench's.
    suite = make_suite(tmp_path / "suite", n=1)
    fix = {"path": "calc.py", "content": "def add(a, b):\n    return a + b\n"}
    loop = {"name": "read_file", "arguments": {"path": "missing.py"}}
    script = write_script(tmp_path / "turns.jsonl", [
        {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "calc.py"}},
                                       {"name": "write_file", "arguments": fix}]},
        *[{"content": "", "tool_calls": [loop]} for _ in range(12)],
    ])  # fmt: skip
    out = tmp_path / "out"
    specs = plan_trials(load_suite(suite), plan_arms(["reins"], [parse_variant("base")]), 1,
                        Config(model=f"scripted:{script}"), out, "b")  # fmt: skip
    (result,) = run_bench(specs, out)
    assert result.status == "error" and "repeated" in (result.agent_error or "")
    assert result.error is None and result.passed and result.session_id


def test_arms_are_named_for_what_they_compare():
    base = [parse_variant("base")]
    two = [parse_variant("base"), parse_variant("fast:max_steps=5")]
    assert [a.name for a in plan_arms(["reins"], base)] == ["reins"]
    assert [a.name for a in plan_arms(["reins"], two)] == ["base", "fast"]
    # beside peers, reins as configured keeps its name, so a later rerun can add variants
    assert [a.name for a in plan_arms(["reins", "aider"], two)] == ["reins", "reins-fast", "aider"]
    first = [[a.name, a.agent, a.variant.describe()] for a in plan_arms(["reins", "aider"], base)]
    later = [[a.name, a.agent, a.variant.describe()] for a in plan_arms(["reins", "aider"], two)]
    from reins.ui.bench_view import resume_conflict

    assert resume_conflict({"arms": first}, {"arms": later}) is None
    assert "only add arms" in resume_conflict({"arms": later}, {"arms": first})


def test_a_bench_is_not_resumed_with_an_arm_whose_profile_changed(tmp_path):
    # a new default profile for the model, or an edited profile file, would put two
    # harnesses in one row: the plan keeps each reins arm's profile and digest
    from reins.ui.bench_view import arm_profiles, bench_identity

    arms = plan_arms(["reins"], [parse_variant("base"), parse_variant("old:profile=qwen")])
    config = Config(model="local:qwen2.5-coder-1.5b-instruct-q5_k_m.gguf")
    profiles = arm_profiles(arms, config)
    assert profiles["base"].startswith("qwen-files@")  # the embedded model's default
    assert profiles["old"].startswith("qwen@") and len(profiles["old"]) == 17
    cooler = arm_profiles(arms, config.with_flags(profiles={"qwen": {"temperature": 0.0}}))
    assert cooler["old"] != profiles["old"] and cooler["base"] == profiles["base"]
    plan = {"suite": "s", "tasks": ["a"], "arms": [["base", "reins", "x"]], "epochs": 1,
            "model": "m", "profiles": profiles}  # fmt: skip
    bench_id, _ = bench_identity(tmp_path, plan)
    assert bench_identity(tmp_path, dict(plan))[0] == bench_id
    with pytest.raises(ValueError, match="arm old ran with profile qwen@.* now run with"):
        bench_identity(tmp_path, {**plan, "profiles": cooler})
    # a bench begun before plans kept profiles resumes as before
    old = tmp_path / "old"
    legacy = {k: v for k, v in plan.items() if k != "profiles"}
    assert bench_identity(old, legacy) == bench_identity(old, plan)


def test_a_resumed_bench_tells_the_model_its_first_day(tmp_path):
    # the system prompt names the date: a bench resumed the next day would otherwise ask
    # its remaining trials other prompts than its first ones
    import json

    from reins.ui.bench_view import BENCH_FILE, bench_identity

    plan = {"suite": "s", "tasks": ["a"], "arms": [["base", "reins", "x"]], "epochs": 1,
            "model": "m"}  # fmt: skip
    bench_id, date = bench_identity(tmp_path, plan)
    assert date == dt.date.today().isoformat()
    saved = json.loads((tmp_path / BENCH_FILE).read_text())
    saved["date"] = "2026-01-05"  # as if begun that day
    (tmp_path / BENCH_FILE).write_text(json.dumps(saved))
    assert bench_identity(tmp_path, plan) == (bench_id, "2026-01-05")
    del saved["date"]  # a bench from before dates were kept: today's, kept from then on
    (tmp_path / BENCH_FILE).write_text(json.dumps(saved))
    assert bench_identity(tmp_path, plan) == (bench_id, dt.date.today().isoformat())
    assert json.loads((tmp_path / BENCH_FILE).read_text())["date"] == dt.date.today().isoformat()


def test_every_trial_of_a_bench_is_told_the_benchs_first_day(tmp_path):
    from reins.agent.store_writer import load_history
    from reins.store import SessionStore
    from reins.ui.bench_view import BENCH_FILE

    suite = make_suite(tmp_path / "suite", n=1)
    script = write_script(tmp_path / "turns.jsonl", [{"content": "done"}] * 2)
    out = tmp_path / "out"
    args = (str(suite), "--agent", "reins", "--model", f"scripted:{script}", "--json",
            "--out", str(out))  # fmt: skip

    def told() -> str:
        done = bench(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        (trial,) = json.loads(done.stdout)["trials"]
        store = SessionStore(out / "sessions.db")
        system = load_history(store, trial["session_id"])[0].content
        store.close()
        return re.search(r"Date: (\S+)", system).group(1)

    assert told() == dt.date.today().isoformat()
    saved = json.loads((out / BENCH_FILE).read_text())
    saved["date"] = "2026-01-05"  # as if the bench had begun that day ...
    (out / BENCH_FILE).write_text(json.dumps(saved))
    (out / RESULTS_FILE).unlink()  # ... and its trial were still to run
    assert told() == "2026-01-05"


def test_peers_use_the_configured_openai_compatible_server_as_is():
    from rich.console import Console

    from reins.ui.bench_view import model_endpoint

    config = Config(model="openai-compat:http://10.0.0.5:8000/v1#qwen2.5-coder:7b")
    with model_endpoint(config, ["aider"], Console(), quiet=True) as endpoint:
        assert endpoint == "http://10.0.0.5:8000/v1#qwen2.5-coder:7b"
    with model_endpoint(Config(), [], Console(), quiet=True) as endpoint:
        assert endpoint is None  # no peer: no server


def test_task_selection_by_glob_file_exclusion_and_seeded_limit(tmp_path):
    from reins.evals.task import TaskError, select_tasks

    tasks = load_suite(make_suite(tmp_path / "suite", n=6))
    names = lambda chosen: [t.name for t in chosen]  # noqa: E731
    assert names(select_tasks(tasks, ["add-1", "add-[45]"])) == ["add-1", "add-4", "add-5"]
    split = tmp_path / "tuning.txt"
    split.write_text("# tuning split\nadd-0\nadd-2  # comment\n\n")
    held_out = select_tasks(tasks, [], [f"@{split}"])
    assert names(held_out) == ["add-1", "add-3", "add-4", "add-5"]
    a = select_tasks(tasks, [], [f"@{split}"], limit=2, seed=7)
    assert names(a) == names(select_tasks(tasks, [], [f"@{split}"], limit=2, seed=7))
    assert len(a) == 2 and not {"add-0", "add-2"} & set(names(a))
    with pytest.raises(TaskError, match="matches no task"):
        select_tasks(tasks, ["add-9"])  # a typo must not shrink the suite silently
    with pytest.raises(TaskError, match="cannot read task list"):
        select_tasks(tasks, [], ["@" + str(tmp_path / "missing.txt")])


def test_no_run_summarises_a_bench_without_running_anything(tmp_path):
    suite = make_suite(tmp_path / "suite")
    out = tmp_path / "out"
    assert bench(str(suite), "--agent", "oracle", "--out", str(out), cwd=tmp_path).returncode == 0
    first = (out / RESULTS_FILE).read_text().splitlines()[0] + "\n"
    (out / RESULTS_FILE).write_text(first)  # as if the bench were still running
    peek = bench(str(suite), "--agent", "oracle", "--out", str(out), "--no-run", "--json",
                 cwd=tmp_path)  # fmt: skip
    assert peek.returncode == 0, peek.stderr
    assert json.loads(peek.stdout)["variants"][0]["passed"] == 1
    assert (out / RESULTS_FILE).read_text() == first  # nothing ran, nothing was added
    text = bench(str(suite), "--agent", "oracle", "--out", str(out), "--no-run", cwd=tmp_path)
    assert "1 of 2 trials done" in text.stderr
    other = bench(str(suite), "--agent", "nop", "--out", str(out), "--no-run", cwd=tmp_path)
    assert other.returncode == 1 and "no bench with this plan" in other.stderr


def test_every_arm_of_a_task_runs_in_the_same_folder_so_its_prompt_is_the_same(tmp_path):
    """The working directory is in the system prompt: a random folder per trial gave arms
    different prompts. Concurrent trials still get folders of their own, and a kept
    workspace moves out of the way of the next trial."""
    from reins.evals.trial_folder import TrialFolder

    first = TrialFolder("add-0")
    path = first.path
    (path / "left.txt").write_text("a crashed trial's file")
    beside = TrialFolder("add-0")  # a second worker, while the first runs
    assert beside.path != path and beside.path.name == "add-0"
    assert first.release(keep=False) is None and not path.exists()
    again = TrialFolder("add-0")
    assert again.path == path and list(path.iterdir()) == []
    (path / "work.py").write_text("kept")
    kept = again.release(keep=True)
    try:
        assert kept != path and (kept / "work.py").read_text() == "kept"
        last = TrialFolder("add-0")
        assert last.path == path and list(path.iterdir()) == []  # free again, and empty
        last.release(keep=False)
    finally:
        shutil.rmtree(kept)
    beside.release(keep=False)


def test_arms_see_the_same_working_directory_in_their_prompt(tmp_path):
    from reins.evals.trial import run_trial
    from reins.store import SessionStore

    suite = make_suite(tmp_path / "suite", n=1)
    script = write_script(tmp_path / "turns.jsonl", [{"content": "done"}])
    variants = [parse_variant("base"), parse_variant("other:max_steps=7")]
    specs = plan_trials(load_suite(suite), plan_arms(["reins"], variants), 1,
                        Config(model=f"scripted:{script}"), tmp_path / "out", "b")  # fmt: skip
    prompts = []
    for spec in specs:
        result = run_trial(spec)
        store = SessionStore(tmp_path / "out" / "sessions.db")
        messages = store.messages(result.session_id)
        store.close()
        prompts.append(next(m["content"] for m in messages if m["role"] == "system"))
    assert len(prompts) == 2 and prompts[0] == prompts[1] and "Working directory:" in prompts[0]


def test_the_arm_that_goes_first_turns_with_the_task(tmp_path):
    """The arm after another on a task finds its prompt in the local model's cache: each
    arm goes first on its share of the tasks, and every task still runs every arm."""
    tasks = load_suite(make_suite(tmp_path / "suite", n=4))
    arms = plan_arms(["reins"], [parse_variant("a"), parse_variant("b"), parse_variant("c")])
    specs = plan_trials(tasks, arms, 2, Config(), tmp_path / "out", "b")
    firsts = [specs[i].arm for i in range(0, len(specs), 3)]
    assert firsts == ["a", "b", "c", "a"] * 2
    per_task = {(Path(s.task_path).name, s.epoch): set() for s in specs}
    for s in specs:
        per_task[(Path(s.task_path).name, s.epoch)].add(s.arm)
    assert all(arms == {"a", "b", "c"} for arms in per_task.values()) and len(per_task) == 8
