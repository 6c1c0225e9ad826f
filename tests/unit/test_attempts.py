"""Best-of-n with the visible tests: fresh starts, the best attempt kept, one submission."""

import pytest

from reins.agent.test_score import said_score, visible_score
from reins.config import Config
from reins.evals.attempts import best_of
from reins.evals.bench import plan_arms, plan_trials, run_bench
from reins.evals.task import load_suite
from reins.evals.variants import parse_variant
from reins.sandbox.factory import bwrap_works
from tests.conftest import write_script
from tests.unit.test_bench import make_suite


def test_scores_from_pytest_and_unittest_summaries():
    assert visible_score(0, "") == 1.0
    assert visible_score(1, "==== 3 failed, 1 passed in 0.2s ====") == 0.25
    assert visible_score(1, "1 failed, 2 passed, 1 error in 0.1s") == 0.5
    assert visible_score(1, "Ran 4 tests in 0.001s\n\nFAILED (failures=1, errors=1)") == 0.5
    assert visible_score(2, "ImportError: no module named calc") == 0.0
    # said in counts: 814 of 817 passing is not "100%"
    unittest = "Ran 817 tests in 33.4s\n\nFAILED (failures=2, skipped=1)"
    assert said_score(1, unittest) == "815 of 817 tests passed"
    assert said_score(2, "ImportError: no module named calc").startswith("no test summary")


async def test_a_failed_attempt_starts_over_and_the_best_is_kept(tmp_path):
    work = tmp_path / "w"
    work.mkdir()
    (work / "calc.py").write_text("stub\n")
    scores = iter([(1, "1 failed, 3 passed"), (1, "3 failed, 1 passed"), (1, "4 failed")])
    seen = []

    async def run_once(left):
        seen.append((work / "calc.py").read_text())  # each attempt starts from the stub
        number = len(seen)
        (work / "calc.py").write_text(f"attempt {number}\n")
        (work / f"extra{number}.py").write_text("x\n")
        return f"s{number}", 1.0

    async def run_tests(left):
        return next(scores)

    attempts = await best_of(3, work, 60.0, run_once, run_tests)
    assert [a.score for a in attempts] == [0.75, 0.25, 0.0]
    assert seen == ["stub\n"] * 3
    assert (work / "calc.py").read_text() == "attempt 1\n"  # the best one is what is graded
    assert sorted(p.name for p in work.iterdir()) == ["calc.py", "extra1.py"]


async def test_a_pass_ends_the_attempts(tmp_path):
    results = iter([(1, "1 failed"), (0, "ok")])

    async def run_once(left):
        return "s", 1.0

    async def run_tests(left):
        return next(results)

    attempts = await best_of(5, tmp_path, 60.0, run_once, run_tests)
    assert [a.passed for a in attempts] == [False, True]


@pytest.mark.skipif(not bwrap_works(), reason="the verifier needs bubblewrap")
def test_attempts_in_the_bench_sum_their_sessions(tmp_path):
    suite = make_suite(tmp_path / "suite", n=1)
    toml = suite / "add-0" / "task.toml"
    toml.write_text(
        toml.read_text().replace(
            "[metadata]\n",
            "[metadata]\ntest_cmd = \"python3 -c 'import calc; assert calc.add(2, 3) == 5'\"\n",
        )
    )
    wrong = write_script(tmp_path / "wrong.jsonl", [
        {"content": "", "tool_calls": [{"name": "write_file", "arguments": {
            "path": "calc.py", "content": "def add(a, b):\n    return a - b\n"}}]},
        {"content": "done"},
    ])  # fmt: skip
    out = tmp_path / "out"
    specs = plan_trials(load_suite(suite), plan_arms(["reins"], [parse_variant("one"),
                        parse_variant("best3:attempts=3")]), 1, Config(model=f"scripted:{wrong}"),
                        out, "b")  # fmt: skip
    results = {r.variant: r for r in run_bench(specs, out)}
    assert results["one"].attempts == 1 and not results["one"].passed
    best = results["best3"]
    assert best.attempts == 3 and not best.passed and best.error is None
    assert best.attempt_scores == [0.0, 0.0, 0.0] and results["one"].attempt_scores == []
    assert best.tool_calls == 3 * results["one"].tool_calls
    assert len(list((out / "trajectories").glob("add-0-best3-1-attempt*.json"))) == 3

    no_tests = plan_trials(load_suite(make_suite(tmp_path / "s2", n=1)),
                           plan_arms(["reins"], [parse_variant("best3:attempts=3")]), 1,
                           Config(model=f"scripted:{wrong}"), tmp_path / "out2", "b")  # fmt: skip
    (only,) = run_bench(no_tests, tmp_path / "out2")
    assert only.error and "--with-tests" in only.error


def test_later_attempts_sample_hot_with_seeds_of_their_own(monkeypatch):
    """A greedy profile would write the same failing file again: attempts after the first
    sample at 0.8, each with its own seed; the first runs exactly as configured."""
    from reins.agent.builder import effective_profile
    from reins.evals.trial import ATTEMPT_TEMPERATURE, attempt_config

    monkeypatch.delenv("REINS_LOCAL_SEED", raising=False)
    config = Config(model="local:qwen2.5-coder-1.5b", attempts=3)
    assert effective_profile(config).temperature == 0.0  # qwen-files is greedy
    assert attempt_config(config, 0) is config
    second, third = attempt_config(config, 1), attempt_config(config, 2)
    assert {second.seed, third.seed} == {2234, 3234}
    for later in (second, third):
        assert effective_profile(later).temperature == ATTEMPT_TEMPERATURE
    assert config.profiles == {}  # the trial's own config is not changed
    hot = Config(model="local:qwen2.5-coder-1.5b", seed=7,
                 profiles={"qwen-files": {"temperature": 1.0}})  # fmt: skip
    assert effective_profile(attempt_config(hot, 1)).temperature == 1.0
    assert attempt_config(hot, 1).seed == 1007
    # An API profile that sets no temperature keeps the provider's default (o1-style
    # models refuse any other)
    api = Config(model="openai:gpt-4o-mini")
    assert effective_profile(api).temperature is None
    assert effective_profile(attempt_config(api, 1)).temperature is None


def test_the_config_seed_reaches_the_local_model(monkeypatch):
    from reins.agent.builder import resolve_model

    monkeypatch.setenv("REINS_LOCAL_SEED", "99")
    _, _, client = resolve_model(Config(model="local:qwen2.5-coder-1.5b", seed=5))
    assert client.seed == 5  # the client loads its weights on first use, not here
    _, _, client = resolve_model(Config(model="local:qwen2.5-coder-1.5b"))
    assert client.seed == 99


async def test_every_attempt_gets_the_whole_time_limit(tmp_path):
    """A slow first try must not leave the later ones no time (each gets the task's limit)."""
    given = []

    async def run_once(seconds):
        given.append(seconds)
        return "s", seconds  # used all of it

    async def run_tests(seconds):
        return 1, "1 failed"

    attempts = await best_of(3, tmp_path, 180.0, run_once, run_tests)
    assert given == [180.0, 180.0, 180.0] and len(attempts) == 3
