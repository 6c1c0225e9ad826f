"""`reins bench` with a real local model (SmolLM2-135M) on two tasks: the whole path from
model to verifier to table works; what the tiny model scores does not matter."""

import json
import subprocess
import sys

import pytest

from reins.sandbox.factory import bwrap_works
from tests.unit.test_bench import make_suite

pytest.importorskip("llama_cpp")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not bwrap_works(), reason="the verifier needs bubblewrap"),
]


def test_bench_runs_a_local_model_on_two_tasks(tmp_path):
    suite = make_suite(tmp_path / "suite", n=2)
    for task in suite.iterdir():  # short enough for a test, long enough for a few steps
        (task / "task.toml").write_text("[agent]\ntimeout_sec = 300\n")
    done = subprocess.run(
        [sys.executable, "-m", "reins", "bench", str(suite), "--model", "local:smollm2-135m",
         "--variant", "short:max_steps=2", "--out", str(tmp_path / "out"), "--json"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    trials = result["trials"]
    assert len(trials) == 2 and all(t["session_id"] for t in trials)
    assert all(t["error"] is None or "model" in t["error"] for t in trials)
    (variant,) = result["variants"]
    assert variant["name"] == "short" and variant["trials"] == 2
    assert variant["tokens_in"] > 0  # the model answered: the path from model to table works
    assert len(list((tmp_path / "out" / "trajectories").glob("*.json"))) == 2
