"""The bench's statistics (reins.evals.stats): every estimator against published values,
hand-worked cases and scipy/statsmodels computed independently here; the edge cases a
bench produces (no trials, all pass, one task, tasks on one side only, errors, skips)."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.power import TTestPower

from reins.evals.results import TrialResult
from reins.evals.stats import (
    Comparison,
    VariantSummary,
    clustered_mean_ci,
    compare_rewards,
    minimum_detectable_difference,
    paired_comparison,
    pass_at_k,
    pass_hat_k,
    pass_rate_ci,
    reward_names,
    suite_pass_at_k,
    suite_pass_hat_k,
    summarize,
    variant_summary,
)

APPROX = dict(abs=1e-9)


def trial(task, variant="a", epoch=0, passed=True, reward=None, **kwargs) -> TrialResult:
    reward = (1.0 if passed else 0.0) if reward is None else reward
    return TrialResult(
        task=task, variant=variant, epoch=epoch, agent="reins", reward=reward,
        passed=passed, **kwargs,
    )  # fmt: skip


def one_epoch(variant, outcomes, **kwargs) -> list[TrialResult]:
    """One trial per task t0, t1, … with the given pass outcomes."""
    return [trial(f"t{i}", variant, passed=bool(o), **kwargs) for i, o in enumerate(outcomes)]


def epochs(variant, table, clusters=None) -> list[TrialResult]:
    """Trials from {task: [outcome per epoch]}."""
    return [
        trial(task, variant, e, passed=bool(o), cluster=(clusters or {}).get(task))
        for task, outcomes in table.items()
        for e, o in enumerate(outcomes)
    ]


def paired_table(both, b_only, a_only, neither):
    """Trials of variants a and b at one epoch whose paired 2x2 table is the given one."""
    pairs = [(1, 1)] * both + [(0, 1)] * b_only + [(1, 0)] * a_only + [(0, 0)] * neither
    return one_epoch("a", [p[0] for p in pairs]), one_epoch("b", [p[1] for p in pairs])


def wilson(successes, n, confidence):
    """Wilson's formula, written out here, independently of the module."""
    z = sps.norm.ppf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


# --- pass_rate_ci --------------------------------------------------------------------


@pytest.mark.parametrize(
    "successes, n, low, high",
    [(0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (7, 10, 0.3968, 0.8922), (1, 2, 0.0945, 0.9055)],
)
def test_wilson_matches_published_values(successes, n, low, high):
    rate, got_low, got_high = pass_rate_ci(successes, n)
    assert rate == successes / n
    assert got_low == pytest.approx(low, abs=5e-5) and got_high == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize("successes, n", [(0, 1), (1, 1), (3, 7), (17, 50), (499, 1000)])
@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_wilson_matches_the_formula(successes, n, confidence):
    _, low, high = pass_rate_ci(successes, n, confidence)
    assert (low, high) == pytest.approx(wilson(successes, n, confidence), abs=1e-12)


def test_wilson_with_no_trials_is_the_whole_interval():
    rate, low, high = pass_rate_ci(0, 0)
    assert math.isnan(rate) and (low, high) == (0.0, 1.0)


def test_wilson_narrows_with_lower_confidence_and_more_trials():
    assert pass_rate_ci(7, 10, 0.9)[1] > pass_rate_ci(7, 10, 0.95)[1]
    width = [high - low for _, low, high in (pass_rate_ci(70, 100), pass_rate_ci(7, 10))]
    assert width[0] < width[1]


@pytest.mark.parametrize("args", [(11, 10), (-1, 10), (0, -1), (1, 0)])
def test_wilson_rejects_impossible_counts(args):
    with pytest.raises(ValueError):
        pass_rate_ci(*args)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 95])
def test_confidence_must_be_a_probability(confidence):
    with pytest.raises(ValueError):
        pass_rate_ci(1, 2, confidence)
    with pytest.raises(ValueError):
        clustered_mean_ci({"t": [1.0]}, None, confidence)


# --- clustered_mean_ci ---------------------------------------------------------------


def test_without_clusters_it_is_the_t_interval_over_task_means():
    values = {"a": [1, 1, 0], "b": [0, 0, 0], "c": [1, 1, 1], "d": [1, 0, 0], "e": [1]}
    means = [np.mean(v) for v in values.values()]
    expected = sps.ttest_1samp(means, 0).confidence_interval(0.9)
    mean, low, high = clustered_mean_ci(values, None, 0.9)
    assert mean == pytest.approx(np.mean(means), **APPROX)  # every task weighs the same
    assert (low, high) == pytest.approx((expected.low, expected.high), **APPROX)


def test_every_task_its_own_cluster_is_no_clustering():
    values = {f"t{i}": [float(i % 3 == 0), float(i % 2)] for i in range(9)}
    own = {task: task for task in values}
    assert clustered_mean_ci(values, own) == pytest.approx(clustered_mean_ci(values, None))
    assert clustered_mean_ci(values, {}) == pytest.approx(clustered_mean_ci(values, None))


def test_clustered_se_by_hand():
    """CR1: V = G/(G-1) * sum over clusters of (summed residuals)^2 / n^2, t with G-1 df."""
    values = {"a": [1.0], "b": [0.0], "c": [1.0], "d": [1.0], "e": [0.5]}
    clusters = {"a": "x", "b": "x", "c": "y", "d": "y"}  # e: its own cluster
    residual_sums = np.array([1 + 0 - 1.4, 1 + 1 - 1.4, 0.5 - 0.7])  # mean 0.7
    se = math.sqrt(3 / 2 * np.sum(residual_sums**2) / 25)
    half = sps.t.ppf(0.975, 2) * se
    assert se == pytest.approx(0.18330303, abs=1e-8)
    assert clustered_mean_ci(values, clusters) == pytest.approx((0.7, 0.7 - half, 0.7 + half))


def test_clustering_widens_the_interval_when_a_cluster_moves_together():
    clusters = {f"t{i}": f"repo{i // 5}" for i in range(20)}  # 4 repos of 5 tasks
    values = {task: [float(int(task[1:]) // 5 < 2)] for task in clusters}  # repos 0, 1 pass
    mean, low, high = clustered_mean_ci(values, None)
    c_mean, c_low, c_high = clustered_mean_ci(values, clusters)
    assert mean == c_mean == 0.5
    assert (c_high - c_low) > 2 * (high - low)


def test_clustering_does_not_widen_when_clusters_are_alike():
    clusters = {f"t{i}": f"repo{i // 4}" for i in range(16)}
    values = {task: [float(int(task[1:]) % 2)] for task in clusters}  # each repo half passes
    _, low, high = clustered_mean_ci(values, None)
    _, c_low, c_high = clustered_mean_ci(values, clusters)
    assert c_high - c_low < high - low


def test_clustered_degenerate_cases():
    assert all(math.isnan(x) for x in clustered_mean_ci({}))
    assert all(math.isnan(x) for x in clustered_mean_ci({"t": []}))
    mean, low, high = clustered_mean_ci({"t": [1.0, 0.0]})  # one task
    assert mean == 0.5 and math.isnan(low) and math.isnan(high)
    one_cluster = clustered_mean_ci({"a": [1.0], "b": [0.0]}, {"a": "r", "b": "r"})
    assert one_cluster == clustered_mean_ci({"a": [1.0], "b": [0.0]})  # the tasks are the units
    assert clustered_mean_ci({"a": [1.0], "b": [1.0, 1.0]}) == (1.0, 1.0, 1.0)  # no variance
    assert clustered_mean_ci({"a": [1.0], "b": [], "c": [0.0]})[0] == 0.5  # b has no values


# --- pass@k and pass^k ---------------------------------------------------------------


def brute_force(n, c, k, all_pass):
    """Over every k-subset of n tries of which c pass: the share with a pass (pass@k)
    or with only passes (pass^k): the estimators' definition, enumerated."""
    tries = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(tries, k))
    hits = [all(s) if all_pass else any(s) for s in subsets]
    return sum(hits) / len(subsets)


@pytest.mark.parametrize("n", range(1, 7))
def test_pass_at_k_and_pass_hat_k_match_enumeration(n):
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(brute_force(n, c, k, False), **APPROX)
            assert pass_hat_k(n, c, k) == pytest.approx(brute_force(n, c, k, True), **APPROX)


def test_pass_at_k_hand_worked():
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)  # pass@1 is the pass share
    assert pass_at_k(4, 2, 2) == pytest.approx(5 / 6)  # 1 - C(2,2)/C(4,2)
    assert pass_at_k(5, 0, 5) == 0.0
    assert pass_at_k(5, 1, 5) == 1.0
    assert pass_at_k(10, 8, 3) == 1.0  # n - c < k: every draw of 3 holds a pass
    assert pass_hat_k(4, 2, 2) == pytest.approx(1 / 6)  # C(2,2)/C(4,2)
    assert pass_hat_k(10, 3, 4) == 0.0  # k > c
    assert pass_hat_k(5, 5, 5) == 1.0
    assert pass_hat_k(7, 4, 1) == pass_at_k(7, 4, 1) == pytest.approx(4 / 7)


@pytest.mark.parametrize("n, c", [(200, 37), (200, 1), (200, 199), (1000, 10)])
@pytest.mark.parametrize("k", [1, 10, 50, 100])
def test_pass_at_k_matches_the_codex_papers_stable_product(n, c, k):
    """Chen et al. 2021, figure 3: 1 - prod(1 - k / arange(n - c + 1, n + 1))."""
    expected = 1.0 if n - c < k else 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))
    assert pass_at_k(n, c, k) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_pass_at_k_is_exact_for_huge_counts():
    value = pass_at_k(10_000, 3, 5_000)  # C(9997, 5000) / C(10000, 5000) = 5000·4999·4998 / …
    assert value == pytest.approx(1 - 5000 * 4999 * 4998 / (10_000 * 9999 * 9998), rel=1e-12)
    assert pass_hat_k(10_000, 5_000, 5_000) == 0.0  # 1 / C(10000, 5000) ~ 1e-3008 underflows
    assert pass_hat_k(10_000, 9_999, 5_000) == pytest.approx(0.5)


@pytest.mark.parametrize("args", [(3, 4, 1), (3, -1, 1), (3, 1, 0), (3, 1, 4), (0, 0, 1)])
def test_pass_at_k_rejects_impossible_counts(args):
    with pytest.raises(ValueError):
        pass_at_k(*args)
    with pytest.raises(ValueError):
        pass_hat_k(*args)


def test_suite_averages_are_means_over_tasks():
    counts = [(4, 2), (4, 0), (4, 4)]
    assert suite_pass_at_k(counts, 2) == pytest.approx((5 / 6 + 0 + 1) / 3)
    assert suite_pass_hat_k(counts, 2) == pytest.approx((1 / 6 + 0 + 1) / 3)
    assert suite_pass_at_k(iter(counts), 1) == pytest.approx(0.5)
    assert math.isnan(suite_pass_at_k([], 1)) and math.isnan(suite_pass_hat_k([], 1))


# --- minimum_detectable_difference ---------------------------------------------------


def achieved_power(delta, n, k, p, alpha, discordance=None):
    """The power of the paired t at a true rise delta, under the function's own model."""
    if discordance is None:
        var = p * (1 - p) + (p + delta) * (1 - p - delta)
    else:
        var = discordance - delta**2
    return TTestPower().power(effect_size=delta / math.sqrt(var / k), nobs=n, alpha=alpha)


@pytest.mark.parametrize("n, k, p", [(20, 1, 0.5), (50, 3, 0.3), (100, 1, 0.1), (40, 5, 0.0)])
@pytest.mark.parametrize("power", [0.8, 0.9])
def test_the_difference_found_has_the_power_asked_for(n, k, p, power):
    delta = minimum_detectable_difference(n, k, p, alpha=0.05, power=power)
    assert 0 < delta <= 1 - p
    assert achieved_power(delta, n, k, p, 0.05) == pytest.approx(power, abs=1e-4)


@pytest.mark.parametrize("n, k, psi", [(30, 1, 0.3), (30, 4, 0.3), (200, 1, 0.05)])
def test_with_a_discordance_the_difference_has_the_power_asked_for(n, k, psi):
    delta = minimum_detectable_difference(n, k, 0.2, discordance=psi)
    assert achieved_power(delta, n, k, 0.2, 0.05, discordance=psi) == pytest.approx(0.8, abs=1e-4)


def test_large_suites_approach_the_normal_formula():
    """delta ~ (z_{1-alpha/2} + z_power) * sqrt(2 p (1 - p) / (n * epochs)) as delta -> 0."""
    n, k, p = 20_000, 2, 0.4
    z = sps.norm.ppf(0.975) + sps.norm.ppf(0.8)
    expected = z * math.sqrt(2 * p * (1 - p) / (n * k))
    assert minimum_detectable_difference(n, k, p) == pytest.approx(expected, rel=0.01)


def test_more_tasks_or_epochs_detect_less_and_more_power_needs_more():
    base = minimum_detectable_difference(50, 1, 0.4)
    assert minimum_detectable_difference(100, 1, 0.4) < base
    assert minimum_detectable_difference(50, 3, 0.4) < base
    assert minimum_detectable_difference(50, 1, 0.4, power=0.9) > base
    assert minimum_detectable_difference(50, 1, 0.4, alpha=0.01) > base
    assert minimum_detectable_difference(50, 1, 0.4, discordance=0.1) < base  # pairing pays


def test_what_no_suite_can_detect_is_infinite():
    assert minimum_detectable_difference(1, 5, 0.5) == math.inf
    assert minimum_detectable_difference(0, 1, 0.5) == math.inf
    assert minimum_detectable_difference(100, 1, 1.0) == math.inf  # no room to rise
    assert minimum_detectable_difference(20, 1, 0.95) == math.inf  # saturated suite
    assert minimum_detectable_difference(100, 1, 0.5, discordance=0.0) == math.inf
    d2 = TTestPower().solve_power(nobs=20, alpha=0.05, power=0.8) ** 2
    assert minimum_detectable_difference(20, 1, 0.0) == pytest.approx(d2 / (1 + d2))


def test_the_power_line_holds_for_exact_mcnemar_by_simulation():
    """At one epoch, exact McNemar on simulated suites at the returned difference has
    about the power asked for (it is the t's discrete, slightly conservative twin)."""
    n, p = 100, 0.5
    delta = minimum_detectable_difference(n, 1, p)
    rng = np.random.default_rng(7)
    a = rng.random((4000, n)) < p
    b = rng.random((4000, n)) < p + delta
    b_only, a_only = np.sum(b & ~a, axis=1), np.sum(a & ~b, axis=1)
    p_values = np.minimum(1, 2 * sps.binom.cdf(np.minimum(a_only, b_only), a_only + b_only, 0.5))
    assert 0.72 < np.mean(p_values < 0.05) < 0.88


@pytest.mark.parametrize(
    "args, kwargs",
    [((10, 0, 0.5), {}), ((10, 1, 1.5), {}), ((-1, 1, 0.5), {}), ((10, 1, 0.5), {"alpha": 0}),
     ((10, 1, 0.5), {"power": 1}), ((10, 1, 0.5), {"discordance": 1.2})],
)  # fmt: skip
def test_minimum_detectable_difference_rejects_bad_input(args, kwargs):
    with pytest.raises(ValueError):
        minimum_detectable_difference(*args, **kwargs)


# --- paired_comparison ---------------------------------------------------------------


def test_one_epoch_uses_exact_mcnemar_and_newcombe():
    """Cavo et al. 2012 (Fagerland, Lydersen & Laake, Statistical Analysis of Contingency
    Tables, ch. 8): b passes 59 + 6, a passes 59 + 16 of 161. Newcombe's square-and-add
    interval -0.0621 (-0.1186 to -0.0046); exact conditional McNemar p = 0.0525."""
    a, b = paired_table(both=59, b_only=6, a_only=16, neither=80)
    result = paired_comparison(a, b)
    assert result.method == "mcnemar" and result.n_tasks == 161 and result.epochs == 1
    assert result.diff == pytest.approx(-10 / 161)
    assert result.ci_low == pytest.approx(-0.1186, abs=5e-5)
    assert result.ci_high == pytest.approx(-0.0046, abs=5e-5)
    hand = 2 * sum(math.comb(22, i) for i in range(7)) / 2**22  # 6 of 22 discordant pairs
    assert hand == pytest.approx(0.05248, abs=1e-5)
    assert result.p_value == pytest.approx(hand, **APPROX)
    assert (result.a_better, result.b_better) == (16, 6)
    assert (result.a_rate, result.b_rate) == pytest.approx((75 / 161, 65 / 161))


@pytest.mark.parametrize(
    "both, b_only, a_only, neither", [(1, 7, 1, 12), (3, 0, 5, 2), (0, 4, 0, 0)]
)
def test_mcnemar_p_is_the_binomial_test_on_discordant_pairs(both, b_only, a_only, neither):
    a, b = paired_table(both, b_only, a_only, neither)
    expected = sps.binomtest(b_only, b_only + a_only, 0.5).pvalue
    result = paired_comparison(a, b)
    assert result.p_value == pytest.approx(expected, **APPROX)
    assert result.ci_low <= result.diff <= result.ci_high
    assert -1 <= result.ci_low and result.ci_high <= 1


def test_bentur_table_by_hand():
    a, b = paired_table(both=1, b_only=7, a_only=1, neither=12)  # 1 of 8 discordant
    assert paired_comparison(a, b).p_value == pytest.approx(2 * (1 + 8) / 2**8)


def test_no_discordant_pairs_is_no_evidence():
    a, b = paired_table(both=4, b_only=0, a_only=0, neither=3)
    result = paired_comparison(a, b)
    assert result.diff == 0.0 and result.p_value == 1.0
    assert result.ci_low < 0 < result.ci_high


def test_all_pass_and_all_fail_at_one_epoch():
    a, b = paired_table(both=0, b_only=10, a_only=0, neither=0)
    result = paired_comparison(a, b)
    assert result.diff == 1.0 and result.ci_high == 1.0 and 0 < result.ci_low < 1
    assert result.p_value == pytest.approx(2 / 2**10)


def test_a_single_common_task():
    a, b = one_epoch("a", [0]), one_epoch("b", [1])
    result = paired_comparison(a, b)
    assert result.method == "mcnemar" and result.n_tasks == 1 and result.p_value == 1.0
    assert result.min_detectable == math.inf
    t_result = paired_comparison(a, b, method="t")
    assert math.isnan(t_result.ci_low) and math.isnan(t_result.p_value)


def several_epochs(seed=3, tasks=12, k=3, clusters=None):
    rng = np.random.default_rng(seed)
    difficulty = rng.random(tasks)
    a = {f"t{i}": (rng.random(k) < difficulty[i]).tolist() for i in range(tasks)}
    b = {f"t{i}": (rng.random(k) < min(1, difficulty[i] + 0.2)).tolist() for i in range(tasks)}
    return epochs("a", a, clusters), epochs("b", b, clusters), a, b


def test_several_epochs_use_the_paired_t_over_task_means():
    a_trials, b_trials, a, b = several_epochs()
    a_means = np.array([np.mean(v) for v in a.values()])
    b_means = np.array([np.mean(v) for v in b.values()])
    expected = sps.ttest_rel(b_means, a_means)
    interval = expected.confidence_interval(0.9)
    result = paired_comparison(a_trials, b_trials, 0.9)
    assert result.method == "paired-t" and result.epochs == 3
    assert result.diff == pytest.approx(np.mean(b_means - a_means), **APPROX)
    assert result.p_value == pytest.approx(expected.pvalue, **APPROX)
    assert (result.ci_low, result.ci_high) == pytest.approx((interval.low, interval.high))
    assert result.a_better == int(np.sum(a_means > b_means))
    assert result.b_better == int(np.sum(b_means > a_means))
    assert result.min_detectable == pytest.approx(
        minimum_detectable_difference(12, 3, float(np.mean(a_means)), alpha=0.1)
    )


def test_several_epochs_with_clusters_use_the_clustered_t():
    clusters = {f"t{i}": f"repo{i % 4}" for i in range(12)}
    a_trials, b_trials, a, b = several_epochs(clusters=clusters)
    diffs = np.array([np.mean(b[t]) - np.mean(a[t]) for t in a])
    groups = np.array([i % 4 for i in range(12)])
    fit = OLS(diffs, np.ones(12)).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    result = paired_comparison(a_trials, b_trials)
    assert result.method == "clustered-t"
    assert result.p_value == pytest.approx(fit.pvalues[0], rel=1e-9)
    assert (result.ci_low, result.ci_high) == pytest.approx(tuple(fit.conf_int(0.05)[0]))
    by_task = {t: [d] for t, d in zip(a, diffs, strict=True)}
    assert (result.diff, result.ci_low, result.ci_high) == pytest.approx(
        clustered_mean_ci(by_task, clusters)
    )


def test_one_epoch_with_shared_clusters_is_clustered_not_mcnemar():
    a = one_epoch("a", [1, 0, 1, 0, 0, 0], cluster="repo")
    b = one_epoch("b", [1, 1, 1, 1, 0, 1], cluster="repo")
    for t in a[:3] + b[:3]:
        t.cluster = "other"
    assert paired_comparison(a, b).method == "clustered-t"
    assert paired_comparison(a, b, method="mcnemar").method == "mcnemar"


def test_one_cluster_for_every_task_is_no_clustering():
    # an importer that tags every task alike (cluster = "exercism") must not leave the
    # interval undefined: one cluster gives a cluster-robust error no degrees of freedom
    a = one_epoch("a", [1, 0, 1, 0, 0, 0], cluster="exercism")
    b = one_epoch("b", [1, 1, 1, 1, 0, 1], cluster="exercism")
    result = paired_comparison(a, b)
    assert result.method == "mcnemar" and np.isfinite([result.ci_low, result.ci_high]).all()
    values = {f"t{i}": [float(i % 2)] for i in range(8)}
    same = {task: "exercism" for task in values}
    assert clustered_mean_ci(values, same) == pytest.approx(clustered_mean_ci(values, None))


def test_the_t_can_be_forced_at_one_epoch():
    a, b = paired_table(both=5, b_only=4, a_only=1, neither=5)
    a_means = np.array([t.passed for t in a], dtype=float)
    b_means = np.array([t.passed for t in b], dtype=float)
    result = paired_comparison(a, b, method="t")
    assert result.method == "paired-t"
    assert result.p_value == pytest.approx(sps.ttest_rel(b_means, a_means).pvalue)


def test_mcnemar_refuses_several_epochs():
    a_trials, b_trials, _, _ = several_epochs()
    with pytest.raises(ValueError):
        paired_comparison(a_trials, b_trials, method="mcnemar")


def test_constant_differences_at_several_epochs():
    same = {"t0": [1, 0], "t1": [1, 1], "t2": [0, 0]}
    result = paired_comparison(epochs("a", same), epochs("b", same))
    assert (result.diff, result.ci_low, result.ci_high, result.p_value) == (0, 0, 0, 1.0)
    up = paired_comparison(
        epochs("a", {"t0": [0, 0], "t1": [0, 0]}), epochs("b", {"t0": [1, 1], "t1": [1, 1]})
    )
    assert (up.diff, up.ci_low, up.ci_high, up.p_value) == (1, 1, 1, 0.0)


def test_bootstrap_is_deterministic_for_a_seed():
    a_trials, b_trials, a, b = several_epochs(tasks=30)
    first = paired_comparison(a_trials, b_trials, method="bootstrap", seed=11, n_resamples=2000)
    again = paired_comparison(a_trials, b_trials, method="bootstrap", seed=11, n_resamples=2000)
    other = paired_comparison(a_trials, b_trials, method="bootstrap", seed=12, n_resamples=2000)
    assert first == again
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)
    assert first.method == "bootstrap" and first.ci_low < first.diff < first.ci_high
    t_result = paired_comparison(a_trials, b_trials)
    assert first.p_value == t_result.p_value  # the p-value stays the t's
    assert first.ci_low == pytest.approx(t_result.ci_low, abs=0.05)
    assert first.ci_high == pytest.approx(t_result.ci_high, abs=0.05)


def test_bootstrap_matches_scipys_percentile_bootstrap_over_tasks():
    a_trials, b_trials, a, b = several_epochs(tasks=20)
    diffs = np.array([np.mean(b[t]) - np.mean(a[t]) for t in a])
    expected = sps.bootstrap(
        (diffs,), np.mean, method="percentile", n_resamples=3000,
        rng=np.random.default_rng(5),
    ).confidence_interval  # fmt: skip
    result = paired_comparison(a_trials, b_trials, method="bootstrap", seed=5, n_resamples=3000)
    assert (result.ci_low, result.ci_high) == pytest.approx((expected.low, expected.high), abs=0.01)


def test_bootstrap_resamples_clusters_whole():
    clusters = {f"t{i}": f"repo{i // 5}" for i in range(20)}
    a = {t: [0, 0] for t in clusters}
    b = {t: [1, 1] if int(t[1:]) < 10 else [0, 0] for t in clusters}  # repos 0, 1 gain
    plain = paired_comparison(epochs("a", a), epochs("b", b), method="bootstrap")
    clustered = paired_comparison(
        epochs("a", a, clusters), epochs("b", b, clusters), method="bootstrap"
    )
    assert plain.diff == clustered.diff == 0.5
    assert clustered.ci_high - clustered.ci_low > 1.5 * (plain.ci_high - plain.ci_low)


def test_bootstrap_with_one_cluster_resamples_tasks():
    a = epochs("a", {"t0": [0, 1], "t1": [0, 0]}, {"t0": "r", "t1": "r"})
    b = epochs("b", {"t0": [1, 1], "t1": [0, 1]}, {"t0": "r", "t1": "r"})
    result = paired_comparison(a, b, method="bootstrap")
    assert result.diff == 0.5 and (result.ci_low, result.ci_high) == (0.5, 0.5)


def test_only_common_tasks_are_compared():
    a = one_epoch("a", [1, 0, 1, 1])  # t0..t3
    b = one_epoch("b", [1, 1])  # t0, t1
    b.append(trial("t9", "b", passed=True))
    result = paired_comparison(a, b)
    assert (result.n_tasks, result.only_a, result.only_b) == (2, 2, 1)
    assert (result.a_rate, result.b_rate, result.diff) == (0.5, 1.0, 0.5)


def test_no_common_tasks():
    result = paired_comparison(one_epoch("a", [1]), [trial("x", "b")])
    assert result.method == "none" and result.n_tasks == 0 and math.isnan(result.diff)
    assert (result.only_a, result.only_b) == (1, 1)
    assert paired_comparison([], []).to_dict()["diff"] is None


def test_errors_fail_and_skips_vanish_in_comparisons():
    a = one_epoch("a", [1, 1, 1, 0])
    b = one_epoch("b", [1, 1, 1, 0])
    b[0].error = "verifier timed out"  # passed=True, yet an infrastructure error: a failure
    b[3].skipped = "no docker"  # t3 is not compared
    result = paired_comparison(a, b)
    assert (result.n_tasks, result.only_a, result.a_better, result.b_better) == (3, 1, 1, 0)
    assert result.diff == pytest.approx(-1 / 3)


def test_comparison_to_dict_is_json_with_none_for_nan():
    result = paired_comparison(one_epoch("a", [1]), one_epoch("b", [0]), method="t")
    data = result.to_dict()
    assert data["ci_low"] is None and data["p_value"] is None
    assert result.min_detectable == math.inf and data["min_detectable"] is None
    assert json.loads(json.dumps(data, allow_nan=False))["a"] == "a"


# --- variant_summary -----------------------------------------------------------------


def test_one_epoch_summary_uses_wilson():
    summary = variant_summary(one_epoch("v", [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]))
    assert (summary.name, summary.trials, summary.tasks, summary.epochs) == ("v", 10, 10, 1)
    assert summary.passed == 7 and summary.pass_rate == 0.7 and summary.ci_method == "wilson"
    assert (summary.ci_low, summary.ci_high) == pytest.approx(pass_rate_ci(7, 10)[1:])
    assert summary.pass_at_k == {1: pytest.approx(0.7)} and summary.pass_hat_k == {}
    assert summary.mean_reward == pytest.approx(0.7)


def test_several_epoch_summary_is_clustered_with_pass_k():
    table = {"t0": [1, 1, 0], "t1": [0, 0, 0], "t2": [1, 1, 1], "t3": [1, 0, 0]}
    summary = variant_summary(epochs("v", table))
    counts = [(3, sum(v)) for v in table.values()]
    assert summary.epochs == 3 and summary.passed == 6 and summary.ci_method == "clustered-t"
    assert (summary.pass_rate, summary.ci_low, summary.ci_high) == pytest.approx(
        tuple(np.clip(clustered_mean_ci(table), 0, 1))
    )
    assert summary.pass_rate == pytest.approx(summary.pass_at_k[1])
    assert summary.pass_at_k == {k: pytest.approx(suite_pass_at_k(counts, k)) for k in (1, 2, 3)}
    assert summary.pass_hat_k == {k: pytest.approx(suite_pass_hat_k(counts, k)) for k in (1, 2, 3)}
    assert summary.pass_at_k[3] == pytest.approx(0.75) and summary.pass_hat_k[3] == 0.25


def test_every_task_weighs_the_same_and_k_stops_at_the_fewest_tries():
    trials = epochs("v", {"t0": [1, 1, 1, 1], "t1": [0]})
    summary = variant_summary(trials)
    assert summary.pass_rate == 0.5  # not 4/5
    assert list(summary.pass_at_k) == [1] and list(summary.pass_hat_k) == [1]


def test_the_clustered_interval_is_clipped_to_probabilities():
    summary = variant_summary(epochs("v", {"t0": [1, 1], "t1": [1, 0], "t2": [1, 1]}))
    assert 0 <= summary.ci_low <= summary.pass_rate <= summary.ci_high == 1.0


def test_one_epoch_with_shared_clusters_is_clustered():
    trials = one_epoch("v", [1, 1, 0, 0])
    for t, cluster in zip(trials, ["x", "x", "y", "y"], strict=True):
        t.cluster = cluster
    summary = variant_summary(trials)
    assert summary.ci_method == "clustered-t"
    assert (summary.ci_low, summary.ci_high) == (0.0, 1.0)  # two clusters: 1 df, clipped


def test_errors_are_failures_and_leave_resources_alone():
    trials = [
        trial("t0", "v", wall_s=10, tokens_in=100, tokens_out=10, tokens_cached=50, tool_calls=2),
        trial("t1", "v", wall_s=20, tokens_in=300, tokens_out=30, tokens_cached=100, tool_calls=4),
        trial("t2", "v", passed=True, reward=1.0, error="verifier crashed", wall_s=999,
              tokens_in=10_000, tool_calls=99),
    ]  # fmt: skip
    summary = variant_summary(trials)
    assert (summary.trials, summary.errors, summary.passed) == (3, 1, 2)
    assert summary.pass_rate == pytest.approx(2 / 3) and summary.mean_reward == pytest.approx(2 / 3)
    assert (summary.median_wall_s, summary.tokens_in, summary.tool_calls) == (15, 400, 6)
    assert summary.cache_hit_rate == pytest.approx(150 / 400)


def test_skipped_trials_are_left_out_of_everything():
    trials = one_epoch("v", [1, 0])
    trials.append(trial("t2", "v", passed=False, skipped="no docker", wall_s=5, tokens_in=9))
    summary = variant_summary(trials)
    assert (summary.trials, summary.tasks, summary.skipped, summary.pass_rate) == (2, 2, 1, 0.5)
    assert summary.tokens_in == 0 and math.isnan(summary.cache_hit_rate)


def test_resources_against_numpy():
    rng = np.random.default_rng(1)
    walls, tins, touts = rng.random(11) * 100, rng.integers(0, 9000, 11), rng.integers(0, 900, 11)
    trials = [
        trial(f"t{i}", "v", wall_s=float(walls[i]), tokens_in=int(tins[i]),
              tokens_out=int(touts[i]), tokens_cached=int(tins[i]) // 2, tool_calls=i,
              tool_kinds={"ok": i, "not_found": 1}, tool_names={"read_file": 1, "shell": i % 2})
        for i in range(11)
    ]  # fmt: skip
    s = variant_summary(trials)
    assert s.median_wall_s == pytest.approx(np.median(walls))
    assert s.p90_wall_s == pytest.approx(np.percentile(walls, 90))
    assert (s.tokens_in, s.tokens_out) == (int(tins.sum()), int(touts.sum()))
    assert (s.median_tokens_in, s.median_tokens_out) == (np.median(tins), np.median(touts))
    assert s.tokens_cached == sum(int(t) // 2 for t in tins)
    assert s.cache_hit_rate == pytest.approx(s.tokens_cached / s.tokens_in)
    assert (s.tool_calls, s.median_tool_calls) == (55, 5)
    assert s.tool_kinds == {"ok": 55, "not_found": 11}
    assert s.tool_names == {"read_file": 11, "shell": 5}


def test_fractional_rewards_average_per_task():
    trials = [
        trial("t0", "v", 0, passed=False, reward=0.5),
        trial("t0", "v", 1, passed=False, reward=0.25),
        trial("t1", "v", 0, passed=True, reward=1.0),
        trial("t1", "v", 1, passed=False, reward=0.9, error="lost"),  # error: reward 0
    ]
    assert variant_summary(trials).mean_reward == pytest.approx((0.375 + 0.5) / 2)


def test_a_variant_with_only_skipped_trials():
    summary = variant_summary([trial("t0", "v", skipped="no docker")])
    assert (summary.trials, summary.tasks, summary.epochs, summary.passed) == (0, 0, 0, 0)
    assert math.isnan(summary.pass_rate) and (summary.ci_low, summary.ci_high) == (0.0, 1.0)
    data = summary.to_dict()
    assert data["pass_rate"] is None and data["median_wall_s"] is None and data["pass_at_k"] == {}
    json.dumps(data)


def test_variant_summary_wants_one_variant():
    with pytest.raises(ValueError):
        variant_summary([])
    with pytest.raises(ValueError):
        variant_summary([trial("t0", "a"), trial("t0", "b")])


def test_variant_summary_to_dict_round_trips_json():
    summary = variant_summary(epochs("v", {"t0": [1, 0], "t1": [1, 1]}))
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["name"] == "v" and data["pass_at_k"] == {"1": 0.75, "2": 1.0}
    assert isinstance(summary, VariantSummary)


# --- summarize -----------------------------------------------------------------------


def test_summarize_compares_every_variant_with_the_first():
    trials = [
        *one_epoch("base", [1, 0, 1, 0]),
        *one_epoch("new", [1, 1, 1, 0]),
        *one_epoch("other", [0, 0, 1, 0]),
    ]
    trials = [TrialResult.from_dict(json.loads(json.dumps(t.to_dict()))) for t in trials]
    summaries, comparisons = summarize(trials[4:8] + trials[:4] + trials[8:], baseline="base")
    assert [s.name for s in summaries] == ["new", "base", "other"]
    assert [(c.a, c.b) for c in comparisons] == [("base", "new"), ("base", "other")]
    assert all(isinstance(c, Comparison) for c in comparisons)
    assert [c.diff for c in comparisons] == [0.25, -0.25]
    _, default = summarize(trials)
    assert [(c.a, c.b) for c in default] == [("base", "new"), ("base", "other")]


def test_summarize_edge_cases():
    assert summarize([]) == ([], [])
    summaries, comparisons = summarize(one_epoch("only", [1]))
    assert len(summaries) == 1 and comparisons == []
    with pytest.raises(ValueError):
        summarize(one_epoch("a", [1]), baseline="missing")


def test_summarize_passes_the_method_and_seed_on():
    a_trials, b_trials, _, _ = several_epochs(tasks=15)
    _, (first,) = summarize(a_trials + b_trials, method="bootstrap", seed=4)
    _, (again,) = summarize(a_trials + b_trials, method="bootstrap", seed=4)
    assert first.method == "bootstrap" and first == again


# --- named rewards (partial credit) ------------------------------------------------------


def with_fraction(variant, fractions, errors=()):
    return [
        trial(f"t{i}", variant, passed=f == 1.0, rewards={"reward": float(f == 1.0), "fraction": f},
              error="crashed" if i in errors else None)
        for i, f in enumerate(fractions)
    ]  # fmt: skip


def test_a_named_reward_is_compared_with_the_paired_t_over_task_means():
    a_f, b_f = [0.0, 0.2, 0.1, 0.5, 0.0, 0.3], [0.4, 0.2, 0.6, 0.9, 0.1, 0.3]
    c = paired_comparison(with_fraction("a", a_f), with_fraction("b", b_f), metric="fraction")
    expected = sps.ttest_rel(b_f, a_f)
    interval = expected.confidence_interval(0.95)
    assert c.metric == "fraction" and c.method == "paired-t" and c.n_tasks == 6
    assert c.diff == pytest.approx(np.mean(b_f) - np.mean(a_f), **APPROX)
    assert c.p_value == pytest.approx(expected.pvalue, **APPROX)
    assert (c.ci_low, c.ci_high) == pytest.approx((interval.low, interval.high), **APPROX)
    assert math.isnan(c.min_detectable)  # the power line is about pass rates
    # no arm passed a task, so pass/fail cannot tell them apart; partial credit can
    assert paired_comparison(with_fraction("a", a_f), with_fraction("b", b_f)).diff == 0


def test_an_errored_trial_or_a_missing_reward_counts_zero():
    a = with_fraction("a", [0.5, 0.5, 0.5])
    b = with_fraction("b", [0.5, 0.5, 0.5], errors={0})
    b[1].rewards = {"reward": 0.0}  # this verifier wrote no fraction
    c = paired_comparison(a, b, metric="fraction")
    assert c.b_rate == pytest.approx(0.5 / 3) and c.a_rate == pytest.approx(0.5)


def test_compare_rewards_covers_every_named_reward_and_arm():
    trials = [*with_fraction("a", [0.1, 0.2]), *with_fraction("b", [0.3, 0.2]),
              *with_fraction("c", [0.0, 0.0])]  # fmt: skip
    trials[0].rewards["flaky"] = True  # a flag, not a reward
    assert reward_names(trials) == ["fraction"]
    found = compare_rewards(trials, "a")
    assert [(c.a, c.b, c.metric) for c in found] == [("a", "b", "fraction"), ("a", "c", "fraction")]
    assert found[0].diff == pytest.approx(0.1) and found[1].diff == pytest.approx(-0.15)
    with pytest.raises(ValueError, match="baseline"):
        compare_rewards(trials, "z")


def test_clustered_intervals_are_never_narrower_than_the_task_count_allows():
    # seen on the mutate suites (two repositories, 0 of 6 passed in every arm): the
    # clustered t reported the pass rate as [0%, 0%] and every difference as [0, 0]
    clusters = ["toolz", "toolz", "toolz", "more", "more", "more"]
    a = [trial(f"t{i}", "a", passed=False, cluster=c) for i, c in enumerate(clusters)]
    b = [trial(f"t{i}", "b", passed=False, cluster=c) for i, c in enumerate(clusters)]
    summary = variant_summary(a)
    assert (summary.ci_low, summary.ci_high) == pytest.approx(pass_rate_ci(0, 6)[1:])
    assert summary.ci_high > 0.3
    result = paired_comparison(a, b)
    assert result.method == "clustered-t" and result.p_value == 1.0
    assert result.ci_low < -0.3 and result.ci_high > 0.3  # Newcombe's, not [0, 0]
    # where the tasks differ, the clustered interval still counts when it is the wider
    mixed = [trial(f"t{i}", "b", passed=i in (0, 1, 2), cluster=c) for i, c in enumerate(clusters)]
    clustered = clustered_mean_ci({t.task: [float(t.passed)] for t in mixed},
                                  {t.task: t.cluster for t in mixed})  # fmt: skip
    summary = variant_summary(mixed)
    assert summary.ci_low <= max(0.0, clustered[1]) and summary.ci_high >= min(1.0, clustered[2])
    assert summary.ci_low <= pass_rate_ci(3, 6)[1] and summary.ci_high >= pass_rate_ci(3, 6)[2]


def test_an_agent_that_ended_in_its_own_error_is_graded_like_any_trial():
    # A doom-loop stop after the fix landed still solved the task; the verifier said so.
    trials = [
        trial("t0", "v", passed=True, agent_error="stopped: repeated call", wall_s=30,
              tokens_in=500, rewards={"reward": 1.0, "fraction": 1.0}),
        trial("t1", "v", passed=False, reward=0.0, agent_error="model error: overflow",
              wall_s=50, tokens_in=700, rewards={"reward": 0.0, "fraction": 0.8}),
    ]  # fmt: skip
    summary = variant_summary(trials)
    assert (summary.passed, summary.errors, summary.agent_errors) == (1, 0, 2)
    assert summary.pass_rate == 0.5 and summary.tokens_in == 1200  # their costs count
    other = with_fraction("a", [1.0, 0.0])
    c = paired_comparison(other, trials, metric="fraction")
    assert c.b_rate == pytest.approx(0.9)


def test_old_results_move_an_agent_ended_error_out_of_the_infrastructure_column():
    old = trial(
        "t0",
        "v",
        passed=False,
        reward=0.0,
        error="mini ended with FormatError",
        status="error",
        verifier_s=1.5,
        rewards={"fraction": 0.9},
    ).to_dict()
    del old["agent_error"]  # written before the field existed
    loaded = TrialResult.from_dict(old)
    assert loaded.error is None and loaded.agent_error == "mini ended with FormatError"
    # a verifier that never ran, or an oracle whose solution failed, stays an error
    for change in ({"verifier_s": 0.0}, {"agent": "oracle"}, {"status": "completed"}):
        row = {**old, **change}
        assert TrialResult.from_dict(row).error == "mini ended with FormatError"
    new = {**old, "agent_error": None}  # a new row says what it is; nothing is moved
    assert TrialResult.from_dict(new).error == "mini ended with FormatError"
