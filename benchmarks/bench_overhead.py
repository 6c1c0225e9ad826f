"""The bench's own cost and scaling, with a scripted agent (model time excluded).

- Overhead per trial: copy the workspace, run a reins session (two scripted steps), run the
  verifier in the sandbox, log it. Target: median under 1 s.
- Throughput: trials per minute with --workers 1 and 2 (target: 2 workers ≥ 1.8× on this
  2-core machine with a CPU-light agent) and on a local Ray cluster (within 20% of workers),
  for two scripted agents: one that replies at once (each trial is then all process starts
  and the verifier: CPU-bound, so it can scale no better than the machine's ceiling), and
  a CPU-light one whose every reply takes WAIT_S, as a model behind an API does.
- Kill -9 in the middle of a 20-trial bench, rerun: trials lost and trials run twice (0, 0).
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from reins.config import Config  # noqa: E402
from reins.evals.bench import plan_arms, plan_trials, run_bench  # noqa: E402
from reins.evals.results import RESULTS_FILE  # noqa: E402
from reins.evals.task import load_suite  # noqa: E402
from reins.evals.variants import Variant  # noqa: E402

TASKS = 20  # the kill-and-resume run
THROUGHPUT_TASKS = 60  # enough trials that starting workers (imports, Ray) is amortised
WAIT_S = 0.5  # the CPU-light agent's wait per reply (an API model answers in seconds)
TEST_SH = """#!/bin/bash
cp /tests/test_calc.py .
if python3 -m unittest -q test_calc; then echo 1 > /logs/verifier/reward.txt
else echo 0 > /logs/verifier/reward.txt; fi
"""
TEST_PY = "import unittest\nfrom calc import add\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n"
TURNS = [
    {"content": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "calc.py"}}]},
    {"content": "", "tool_calls": [{"name": "write_file", "arguments": {
        "path": "calc.py", "content": "def add(a, b):\n    return a + b\n"}}]},
    {"content": "done"},
]  # fmt: skip


def make_suite(root: Path, n: int) -> Path:
    for i in range(n):
        task = root / f"add-{i:02d}"
        for folder in ("environment/workspace", "tests", "solution"):
            (task / folder).mkdir(parents=True)
        (task / "instruction.md").write_text("Implement add(a, b) in calc.py.\n")
        (task / "task.toml").write_text("[agent]\ntimeout_sec = 120\n")
        (task / "environment/workspace/calc.py").write_text("def add(a, b):\n    pass\n")
        (task / "tests/test.sh").write_text(TEST_SH)
        (task / "tests/test_calc.py").write_text(TEST_PY)
        (task / "solution/solve.sh").write_text("sleep 0.3\n")
    return root


def timed(specs, out: Path, **options) -> tuple[float, float, list]:
    """(seconds in all, steady trials per minute, results). Steady: from the moment every
    worker has returned its first trial (each carries that worker's start: a spawned
    interpreter importing reins) to the last, so pools and Ray compare on equal terms
    (the Ray cluster is started before the clock)."""
    arrivals: list[float] = []
    start = time.perf_counter()
    results = run_bench(specs, out, progress=lambda *_: arrivals.append(time.perf_counter()),
                        **options)  # fmt: skip
    k = max(1, options.get("workers", 1))  # the k-th result: about when all k are up
    steady = (
        (len(arrivals) - k) / (arrivals[-1] - arrivals[k - 1]) * 60
        if len(arrivals) > k and arrivals[-1] > arrivals[k - 1] else float("nan")
    )  # fmt: skip
    return time.perf_counter() - start, steady, results


def machine_ceiling(tmp: Path, runs: int = 30) -> float:
    """How much faster two streams of the verifier's own work (the same sandbox, python3 -m
    unittest) go than one on this machine, with no bench around them: what 2 workers could
    reach at best. Process start-up heavy work does not scale 2x on every VM."""
    import threading

    from reins.evals.verifier import _sandbox
    from reins.sandbox.bwrap import Mount

    work = tmp / "ceiling"
    work.mkdir()
    (work / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (work / "test_calc.py").write_text(TEST_PY)
    (tmp / "ceiling-logs").mkdir()
    mounts = (Mount(work, "/tests"), Mount(tmp / "ceiling-logs", "/logs/verifier", True))
    argv = _sandbox(work, mounts).argv_exec(
        ["bash", "-c", "python3 -m unittest -q test_calc"], str(work)
    )

    def stream() -> None:
        for _ in range(runs):
            subprocess.run(argv, cwd=work, capture_output=True, check=True)

    start = time.perf_counter()
    stream()
    one = time.perf_counter() - start
    threads = [threading.Thread(target=stream) for _ in range(2)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    two = time.perf_counter() - start
    return 2 * one / two


def kill_and_resume(tmp: Path, suite: Path) -> dict:
    out = tmp / "killed"
    args = [sys.executable, "-m", "reins", "bench", str(suite), "--agent", "oracle",
            "--out", str(out), "--json"]  # fmt: skip
    first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)  # fmt: skip
    results = out / RESULTS_FILE
    while not (results.is_file() and len(results.read_text().splitlines()) >= TASKS // 2):
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    before = len(results.read_text().splitlines())
    subprocess.run(args, capture_output=True, check=True)
    keys = [(r["task"], r["variant"], r["epoch"])
            for r in map(json.loads, results.read_text().splitlines())]  # fmt: skip
    return {"done_before_kill": before, "trials": len(keys),
            "lost": TASKS - len(set(keys)), "run_twice": len(keys) - len(set(keys))}  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        suite = make_suite(tmp / "suite", TASKS)
        tasks = load_suite(make_suite(tmp / "big", THROUGHPUT_TASKS))
        arms = plan_arms(["reins"], [Variant("base")])
        rows = []
        rates, steady_rates = {}, {}
        modes = [("workers 1", {}), ("workers 2", {"workers": 2})]
        try:
            import ray

            # Starting the local cluster (seconds) is a one-off, like starting a pool.
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            modes.append(("ray (local, 2 CPUs)", {"ray": "", "workers": 2}))
        except ImportError:
            print("ray is not installed: skipping the Ray row")
        for agent, wait in (("instant", 0.0), (f"waits {WAIT_S:g} s", WAIT_S)):
            script = tmp / f"turns-{wait}.jsonl"
            script.write_text("\n".join(json.dumps({**t, "delay_s": wait}) for t in TURNS) + "\n")
            config = Config(model=f"scripted:{script}")
            for name, options in modes:
                out = tmp / f"{name}-{wait}".replace(" ", "-")
                specs = plan_trials(tasks, arms, 1, config, out, "bench")
                seconds, steady, results = timed(specs, out, **options)
                assert all(r.passed for r in results), [
                    (r.status, r.reward, r.tool_kinds, r.error) for r in results if not r.passed
                ][:3]
                trial_s = [r.trial_s for r in results]
                rates[agent, name] = len(results) / seconds * 60
                steady_rates[agent, name] = steady
                rows.append({
                    "agent": agent, "mode": name, "trials": len(results), "seconds": seconds,
                    "trials_per_min": rates[agent, name], "steady_trials_per_min": steady,
                    "median_trial_s": statistics.median(trial_s),
                    "p90_trial_s": sorted(trial_s)[int(len(trial_s) * 0.9)],
                    "median_agent_s": statistics.median(r.wall_s for r in results),
                    "median_verifier_s": statistics.median(r.verifier_s for r in results),
                })  # fmt: skip
        resume = kill_and_resume(tmp, suite)
        ceiling = machine_ceiling(tmp)
    light = f"waits {WAIT_S:g} s"
    speedup = {a: rates[a, "workers 2"] / rates[a, "workers 1"] for a in ("instant", light)}
    steady = {
        a: steady_rates[a, "workers 2"] / steady_rates[a, "workers 1"] for a in ("instant", light)
    }
    ray_ratio = {a: rates.get((a, "ray (local, 2 CPUs)"), float("nan")) / rates[a, "workers 2"]
                 for a in ("instant", light)}  # fmt: skip
    overhead = statistics.median(r["median_trial_s"] for r in rows if r["agent"] == "instant")
    report(
        "bench_overhead",
        f"bench ({THROUGHPUT_TASKS} scripted trials): median trial {overhead:.2f} s; 2 workers = "
        f"{speedup[light]:.2f}x 1 worker with an agent that waits {WAIT_S:g} s a reply, "
        f"{speedup['instant']:.2f}x with one that does not (the verifier's own work alone "
        f"scales {ceiling:.2f}x here); Ray / workers = {ray_ratio[light]:.2f}, "
        f"{ray_ratio['instant']:.2f}; kill -9 + rerun: {resume['lost']} lost, "
        f"{resume['run_twice']} run twice",
        rows,
        {"speedup_workers_2": speedup, "steady_speedup_workers_2": steady,
         "machine_ceiling_2": ceiling, "ray_over_workers": ray_ratio, "kill_and_resume": resume,
         "wait_s": WAIT_S,
         "targets": {"median_trial_s": 1.0, "speedup_workers_2": 1.8, "ray_within": 0.2}},
    )  # fmt: skip


if __name__ == "__main__":
    main()
