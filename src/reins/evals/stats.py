"""Statistics of a bench, as pure functions: the task is the unit (Miller, "Adding Error
Bars to Evals", 2024). Per variant: pass rate with a confidence interval, pass@k and
pass^k, mean reward, time, tokens, tools; between two variants on the same tasks: the
paired difference with its interval and p-value, and the smallest difference the suite
can detect. The estimators come from scipy and statsmodels wherever they have one.

Conventions shared by every function here:
- Trials with `skipped` set are left out of every statistic (they did not run).
- Trials with `error` set (infrastructure: could not run or be verified) count as
  failures with reward 0 in pass rates and rewards, are counted in `errors`, and are
  left out of time, token and tool statistics (they say nothing about the variant).
  A trial whose agent ended in an error of its own (`agent_error`: a doom-loop stop, a
  model error, a peer's format error) was still graded: its reward counts as the
  verifier gave it, and it is counted in `agent_errors`.
- A task's outcome over several epochs is its mean; the suite's rate is the mean over
  tasks of those means, so every task weighs the same however many epochs it has.
- Undefined values (no trials, one task, no variance to estimate) are NaN; `to_dict()`
  writes NaN and inf as None, so the result is strict JSON.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import stats as sps
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.power import TTestPower
from statsmodels.stats.proportion import proportion_confint

from reins.evals.results import TrialResult

NAN = math.nan
Method = Literal["auto", "mcnemar", "t", "bootstrap"]
TestResult = tuple[float, float, float, str]  # (ci_low, ci_high, p_value, method)


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), not {confidence}")


# --- one proportion ------------------------------------------------------------------


def pass_rate_ci(successes: float, n: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """(rate, low, high): the Wilson score interval (statsmodels `proportion_confint`,
    method "wilson"). Wilson, not Wald: its coverage stays near nominal for the small n
    and the rates near 0 or 1 that benches produce, and it never leaves [0, 1]
    (Brown, Cai & DasGupta 2001). With n = 0 the rate is NaN and the interval is [0, 1],
    the limit of Wilson's formula: no data, no information. `successes` may be a sum of
    per-task pass rates (several epochs)."""
    _check_confidence(confidence)
    if n < 0 or not 0 <= successes <= max(n, 0):
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return NAN, 0.0, 1.0
    low, high = proportion_confint(successes, n, alpha=1.0 - confidence, method="wilson")
    return successes / n, float(low), float(high)


# --- a mean over tasks, clustered ----------------------------------------------------


def _groups(tasks: Sequence[str], clusters: Mapping[str, str | None] | None) -> np.ndarray:
    """One integer per task: its cluster, or the task itself when it has none. When every
    task falls in one cluster (a suite that tags all its tasks alike), clustering can say
    nothing (a cluster-robust error needs two clusters or more): each task is its own."""
    keys = [("cluster", c) if (c := (clusters or {}).get(t)) else ("task", t) for t in tasks]
    index: dict[tuple[str, str], int] = {}
    groups = np.array([index.setdefault(key, len(index)) for key in keys])
    if len(index) == 1 and len(tasks) > 1:
        return np.arange(len(tasks))
    return groups


def _clusters_matter(tasks: Sequence[str], clusters: Mapping[str, str | None] | None) -> bool:
    """Whether some cluster holds two tasks (else clustering on it is clustering on tasks)."""
    return len(set(_groups(tasks, clusters).tolist())) < len(tasks)


def _clustered_fit(means: np.ndarray, groups: np.ndarray) -> tuple[float, float, int]:
    """(mean, standard error, degrees of freedom) of the mean of `means`, with the
    cluster-robust (CR1) standard error of statsmodels' OLS on a constant with
    cov_type="cluster": Miller's clustered SE times the small-sample factor G/(G-1),
    G the number of clusters; df = G - 1. With every task its own cluster this is the
    textbook s/sqrt(n) with n - 1 degrees of freedom."""
    n_groups = len(set(groups.tolist()))
    mean = float(np.mean(means))
    if n_groups < 2:
        return mean, NAN, 0
    if np.all(means == means[0]):  # exactly no spread (the fit leaves rounding residue)
        return mean, 0.0, n_groups - 1
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        fit = OLS(means, np.ones_like(means)).fit(
            cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
        )
    return mean, float(fit.bse[0]), n_groups - 1


def _t_interval(mean: float, se: float, df: int, confidence: float) -> tuple[float, float, float]:
    """(low, high, two-sided p-value against 0) of a t statistic; a zero SE gives a
    zero-width interval and p = 1 for a zero mean, 0 otherwise."""
    if df < 1 or math.isnan(se):
        return NAN, NAN, NAN
    if se == 0.0:
        return mean, mean, 1.0 if mean == 0.0 else 0.0
    half = float(sps.t.ppf(0.5 + confidence / 2.0, df)) * se
    p_value = float(2.0 * sps.t.sf(abs(mean / se), df))
    return mean - half, mean + half, p_value


def _task_means(values_by_task: Mapping[str, Sequence[float]]) -> tuple[list[str], np.ndarray]:
    tasks = [task for task, values in values_by_task.items() if len(values)]
    return tasks, np.array([float(np.mean(values_by_task[t])) for t in tasks])


def clustered_mean_ci(
    values_by_task: Mapping[str, Sequence[float]],
    clusters: Mapping[str, str | None] | None = None,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """(mean, low, high): the mean over tasks of each task's mean value (its epochs),
    with a cluster-robust standard error clustered on each task's cluster where
    `clusters` names one, else on the task (Miller 2024's CLT-based clustered SE, here
    with statsmodels' CR1 small-sample factor G/(G-1)).

    The critical value is Student's t with G - 1 degrees of freedom (G clusters), not
    the normal Miller uses: his evals have thousands of questions, a bench has tens of
    tasks and often a handful of clusters, where the normal undercovers (Cameron &
    Miller 2015). With no clusters it is exactly the one-sample t interval over task
    means. Tasks with no values are left out; fewer than two clusters gives NaN bounds.
    When every task has the same mean the interval has zero width: the CLT says nothing
    there, and callers with few tasks should say so rather than trust it."""
    _check_confidence(confidence)
    tasks, means = _task_means(values_by_task)
    if not tasks:
        return NAN, NAN, NAN
    mean, se, df = _clustered_fit(means, _groups(tasks, clusters))
    low, high, _ = _t_interval(mean, se, df, confidence)
    return mean, low, high


# --- pass@k and pass^k ---------------------------------------------------------------


def _check_counts(n: int, c: int, k: int) -> None:
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"need 0 <= c <= n and 1 <= k <= n, got n={n} c={c} k={k}")


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased estimator of pass@k from n tries with c passes (Chen et al. 2021,
    "Evaluating Large Language Models Trained on Code"): 1 - C(n-c, k) / C(n, k), the
    chance that k tries drawn without replacement hold at least one pass. Computed with
    exact integers (math.comb) and one correctly rounded division: no overflow, no
    cancellation, for any n."""
    _check_counts(n, c, k)
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def pass_hat_k(n: int, c: int, k: int) -> float:
    """pass^k (Yao et al. 2024, tau-bench): the chance that k tries all pass, estimated
    without bias from n tries with c passes as C(c, k) / C(n, k). It measures
    reliability where pass@k measures reach; the two agree at k = 1."""
    _check_counts(n, c, k)
    return math.comb(c, k) / math.comb(n, k)


def suite_pass_at_k(counts: Iterable[tuple[int, int]], k: int) -> float:
    """The mean over tasks of pass@k, from each task's (tries, passes); NaN for none."""
    values = [pass_at_k(n, c, k) for n, c in counts]
    return float(np.mean(values)) if values else NAN


def suite_pass_hat_k(counts: Iterable[tuple[int, int]], k: int) -> float:
    """The mean over tasks of pass^k, from each task's (tries, passes); NaN for none."""
    values = [pass_hat_k(n, c, k) for n, c in counts]
    return float(np.mean(values)) if values else NAN


# --- power ---------------------------------------------------------------------------


def minimum_detectable_difference(
    n_tasks: int,
    epochs: int,
    baseline_rate: float,
    alpha: float = 0.05,
    power: float = 0.8,
    discordance: float | None = None,
) -> float:
    """The smallest true rise in pass rate over `baseline_rate` that a two-sided test at
    level `alpha` detects with probability `power` on `n_tasks` tasks run `epochs` times
    by both variants.

    Model: the test is the paired t over the tasks' mean differences (what
    `paired_comparison` runs at several epochs; at one epoch, the normal approximation
    of McNemar's test). Its standardized effect d comes from statsmodels' `TTestPower`
    with nobs = n_tasks. One task's mean difference D has variance Var(D) / epochs, with
    Var(D) the variance of one paired try's difference (-1, 0 or 1) under the
    alternative:
    - with `discordance` psi (the chance that the two variants' tries on a task
      disagree; at one epoch, the observed discordant share), Var(D) = psi - delta^2,
      and delta = d * sqrt(psi / (epochs + d^2));
    - without it, the variants pass independently at the baseline rate p and at
      p + delta on tasks of equal difficulty, Var(D) = p(1-p) + (p+delta)(1-p-delta),
      and delta is the positive root of that quadratic. Tasks of unequal difficulty
      make pairing cancel their shared part, so this errs towards a larger delta.
    The model is symmetric under swapping passes and failures: the smallest detectable
    drop from p is the smallest detectable rise from 1 - p. Returns inf where no rise
    within (0, 1 - p] is detectable: fewer than two tasks, a baseline of 1, variants
    that never disagree (discordance 0), or a suite too small for its baseline."""
    if n_tasks < 0 or epochs < 1 or not 0.0 <= baseline_rate <= 1.0:
        raise ValueError("need n_tasks >= 0, epochs >= 1 and 0 <= baseline_rate <= 1")
    if not (0.0 < alpha < 1.0 and 0.0 < power < 1.0):
        raise ValueError("alpha and power must be in (0, 1)")
    if discordance is not None and not 0.0 <= discordance <= 1.0:
        raise ValueError("discordance must be in [0, 1]")
    if n_tasks < 2:
        return math.inf
    d = float(TTestPower().solve_power(nobs=n_tasks, alpha=alpha, power=power))
    p = baseline_rate
    if discordance is not None:
        delta = d * math.sqrt(discordance / (epochs + d * d))
    else:
        a = epochs / (d * d) + 1.0  # a*delta^2 - (1-2p)*delta - 2p(1-p) = 0
        delta = ((1 - 2 * p) + math.sqrt((1 - 2 * p) ** 2 + 8 * a * p * (1 - p))) / (2 * a)
    return delta if 0.0 < delta <= 1.0 - p + 1e-12 else math.inf


# --- trials to per-task values -------------------------------------------------------


def _counted(trials: Iterable[TrialResult]) -> list[TrialResult]:
    return [trial for trial in trials if not trial.skipped]


def _outcome(trial: TrialResult) -> float:
    return 1.0 if trial.passed and not trial.error else 0.0


def _reward(trial: TrialResult) -> float:
    return 0.0 if trial.error else float(trial.reward)


def _named_reward(name: str):
    def value(trial: TrialResult) -> float:
        return 0.0 if trial.error else float(trial.rewards.get(name, 0.0))

    return value


def _by_task(trials: Iterable[TrialResult], value=_outcome) -> dict[str, list[float]]:
    """Each task's values over its counted trials, in order of first appearance."""
    grouped: dict[str, list[float]] = defaultdict(list)
    for trial in _counted(trials):
        grouped[trial.task].append(value(trial))
    return dict(grouped)


def _clusters_of(trials: Iterable[TrialResult]) -> dict[str, str | None]:
    clusters: dict[str, str | None] = {}
    for trial in trials:
        if clusters.get(trial.task) is None:
            clusters[trial.task] = trial.cluster
    return clusters


def _finite_or_none(value: Any) -> Any:
    """NaN (undefined) and inf (nothing detectable) as None: strict JSON has neither."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite_or_none(item) for key, item in value.items()}
    return value


# --- two variants --------------------------------------------------------------------


@dataclass
class Comparison:
    """Variant b against variant a (the baseline) on the tasks both ran; diff = b - a."""

    a: str
    b: str
    n_tasks: int  # tasks both ran (with at least one counted trial on each side)
    epochs: int  # the fewest counted trials a compared task has on either side
    a_rate: float  # pass rates on the compared tasks only
    b_rate: float
    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    method: str  # "mcnemar", "paired-t", "clustered-t", "bootstrap", or "none"
    confidence: float = 0.95
    a_better: int = 0  # tasks where a did better (at one epoch: a passed, b failed)
    b_better: int = 0  # tasks where b did better (at one epoch: b passed, a failed)
    only_a: int = 0  # tasks a ran and b did not (left out of the comparison)
    only_b: int = 0
    min_detectable: float = NAN  # minimum_detectable_difference for this suite
    metric: str = "passed"  # or a named reward (reward.json), compared as a mean per task

    def to_dict(self) -> dict[str, Any]:
        return _finite_or_none(asdict(self))


def _newcombe_paired_ci(
    both: int, a_only: int, b_only: int, neither: int, confidence: float
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for the difference of paired proportions
    (Newcombe 1998, method 10, with his continuity-corrected phi), built from
    statsmodels' Wilson intervals of the two marginal rates: no library we use offers a
    paired-difference interval, and this one is among those Fagerland, Lydersen & Laake
    (2014) recommend for small samples. Differences are b - a."""
    n = both + a_only + b_only + neither
    b_pass, a_pass = both + b_only, both + a_only
    p_b, low_b, high_b = pass_rate_ci(b_pass, n, confidence)
    p_a, low_a, high_a = pass_rate_ci(a_pass, n, confidence)
    margins = b_pass * (n - b_pass) * a_pass * (n - a_pass)
    cross = both * neither - b_only * a_only
    if margins == 0 or 0 <= cross <= n / 2:
        phi = 0.0
    else:
        phi = (cross - n / 2 if cross > n / 2 else cross) / math.sqrt(margins)
    diff = p_b - p_a
    down_b, up_a = p_b - low_b, high_a - p_a
    up_b, down_a = high_b - p_b, p_a - low_a
    low = diff - math.sqrt(max(0.0, down_b**2 + up_a**2 - 2 * phi * down_b * up_a))
    high = diff + math.sqrt(max(0.0, up_b**2 + down_a**2 - 2 * phi * up_b * down_a))
    return max(-1.0, low), min(1.0, high)


def _mcnemar(a_means: np.ndarray, b_means: np.ndarray, confidence: float) -> TestResult:
    """Exact McNemar (statsmodels, exact=True: the binomial test on the discordant
    pairs) and Newcombe's interval, for one binary outcome per task and variant."""
    a, b = a_means.astype(bool), b_means.astype(bool)
    both, neither = int(np.sum(a & b)), int(np.sum(~a & ~b))
    a_only, b_only = int(np.sum(a & ~b)), int(np.sum(~a & b))
    p_value = float(mcnemar([[both, a_only], [b_only, neither]], exact=True).pvalue)
    low, high = _newcombe_paired_ci(both, a_only, b_only, neither, confidence)
    return low, high, min(1.0, p_value), "mcnemar"


def _paired_t(
    a_means: np.ndarray, b_means: np.ndarray, groups: np.ndarray, confidence: float
) -> TestResult:
    """The paired t over per-task differences (scipy `ttest_rel`); with clusters that
    hold several tasks, the same t with the clustered SE and G - 1 df instead."""
    diffs = b_means - a_means
    if len(set(groups.tolist())) < len(groups):
        mean, se, df = _clustered_fit(diffs, groups)
        low, high, p_value = _t_interval(mean, se, df, confidence)
        return low, high, p_value, "clustered-t"
    if len(diffs) < 2:
        return NAN, NAN, NAN, "paired-t"
    if np.all(diffs == diffs[0]):  # no variance: scipy's t is 0/0 or inf
        low, high, p_value = _t_interval(float(diffs[0]), 0.0, len(diffs) - 1, confidence)
        return low, high, p_value, "paired-t"
    result = sps.ttest_rel(b_means, a_means)
    interval = result.confidence_interval(confidence_level=confidence)
    return float(interval.low), float(interval.high), float(result.pvalue), "paired-t"


def _cluster_bootstrap_ci(
    diffs: np.ndarray, groups: np.ndarray, confidence: float, n_resamples: int, seed: int
) -> tuple[float, float]:
    """Percentile bootstrap (scipy `bootstrap`) of the mean per-task difference,
    resampling clusters (tasks, when there are none) whole: each draw's statistic is the
    summed differences over the summed task counts of the drawn clusters. Percentile,
    not BCa: BCa's jackknife is undefined for the constant, discrete differences small
    suites give. Seeded: the same seed gives the same interval."""
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    if n_groups < 2:
        return NAN, NAN
    sums = np.bincount(groups, weights=diffs, minlength=n_groups)
    counts = np.bincount(groups, minlength=n_groups).astype(float)

    def ratio(s, c, axis=-1):
        return np.sum(s, axis=axis) / np.sum(c, axis=axis)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate (constant) samples warn, and are fine
        result = sps.bootstrap(
            (sums, counts), ratio, paired=True, vectorized=True, method="percentile",
            confidence_level=confidence, n_resamples=n_resamples,
            rng=np.random.default_rng(seed),
        )  # fmt: skip
    interval = result.confidence_interval
    return float(interval.low), float(interval.high)


def _compare(
    a_means: np.ndarray,
    b_means: np.ndarray,
    groups: np.ndarray,
    one_epoch: bool,
    method: Method,
    confidence: float,
    n_resamples: int,
    seed: int,
) -> TestResult:
    """The test and interval `paired_comparison` documents, for these per-task means."""
    clustered = len(set(groups.tolist())) < len(groups)
    if method == "mcnemar" and not one_epoch:
        raise ValueError("McNemar's test needs one trial per task and variant")
    if method == "mcnemar" or (method == "auto" and one_epoch and not clustered):
        return _mcnemar(a_means, b_means, confidence)
    low, high, p_value, used = _paired_t(a_means, b_means, groups, confidence)
    if method == "auto" and one_epoch:
        # pass/fail with clusters: the clustered t has no width when every task came out
        # alike in both arms; never report less uncertainty than McNemar/Newcombe would
        exact_low, exact_high, exact_p, _ = _mcnemar(a_means, b_means, confidence)
        low, high = _widest((low, high), (exact_low, exact_high))
        p_value = max(p_value, exact_p) if not math.isnan(p_value) else exact_p
    if method == "bootstrap":
        diffs = b_means - a_means
        low, high = _cluster_bootstrap_ci(diffs, groups, confidence, n_resamples, seed)
        used = "bootstrap"
    return low, high, p_value, used


def paired_comparison(
    a_trials: Sequence[TrialResult],
    b_trials: Sequence[TrialResult],
    confidence: float = 0.95,
    *,
    method: Method = "auto",
    n_resamples: int = 9999,
    seed: int = 0,
    metric: str = "passed",
) -> Comparison:
    """Variant b against the baseline a, paired on the tasks both ran (each task's pass
    outcome, errors as failures; tasks only one side ran are counted, not compared).

    metric: "passed", or the name of a reward the verifier writes besides `reward` (e.g.
    `fraction`, the share of tests passed), compared as each task's mean with the paired
    t (errors and trials without it count 0): partial credit tells arms apart long before
    pass rates do when few tasks pass.

    method "auto": at one epoch on tasks with no shared clusters, the exact McNemar test
    (statsmodels) with Newcombe's paired interval; otherwise the paired t over per-task
    mean differences (scipy `ttest_rel`), clustered (CR1 SE, t with G - 1 df) when some
    cluster holds several tasks. "mcnemar" and "t" force one of those ("mcnemar" needs
    one epoch). "bootstrap": the t's p-value with a task-clustered percentile bootstrap
    interval, deterministic for a given `seed`. `min_detectable` is the power line:
    `minimum_detectable_difference` for these tasks, epochs and a's rate, at
    alpha = 1 - confidence and power 0.8."""
    _check_confidence(confidence)
    value = _outcome if metric == "passed" else _named_reward(metric)
    a_by, b_by = _by_task(a_trials, value), _by_task(b_trials, value)
    tasks = [task for task in a_by if task in b_by]
    shared = dict(
        a=a_trials[0].variant if a_trials else "a",
        b=b_trials[0].variant if b_trials else "b",
        n_tasks=len(tasks), confidence=confidence, metric=metric,
        only_a=len(a_by.keys() - b_by.keys()), only_b=len(b_by.keys() - a_by.keys()),
    )  # fmt: skip
    if metric != "passed" and method in ("auto", "mcnemar"):
        method = "t"  # McNemar is for pass/fail
    if not tasks:
        return Comparison(
            **shared, epochs=0, a_rate=NAN, b_rate=NAN, diff=NAN, ci_low=NAN, ci_high=NAN,
            p_value=NAN, method="none",
        )  # fmt: skip
    a_means = np.array([np.mean(a_by[t]) for t in tasks])
    b_means = np.array([np.mean(b_by[t]) for t in tasks])
    epochs = min(min(len(a_by[t]), len(b_by[t])) for t in tasks)
    one_epoch = all(len(a_by[t]) == len(b_by[t]) == 1 for t in tasks)
    groups = _groups(tasks, _clusters_of([*a_trials, *b_trials]))
    low, high, p_value, used = _compare(
        a_means, b_means, groups, one_epoch, method, confidence, n_resamples, seed
    )
    a_rate, b_rate = float(np.mean(a_means)), float(np.mean(b_means))
    return Comparison(
        **shared, epochs=epochs, a_rate=a_rate, b_rate=b_rate, diff=b_rate - a_rate,
        ci_low=low, ci_high=high, p_value=p_value, method=used,
        a_better=int(np.sum(a_means > b_means)), b_better=int(np.sum(b_means > a_means)),
        min_detectable=(
            minimum_detectable_difference(len(tasks), epochs, a_rate, 1 - confidence)
            if metric == "passed" else NAN
        ),
    )  # fmt: skip


# --- one variant ---------------------------------------------------------------------


@dataclass
class VariantSummary:
    name: str
    trials: int  # counted trials (not skipped)
    tasks: int
    epochs: int  # the most counted trials a task has
    skipped: int
    errors: int  # counted as failures, and left out of time, tokens and tools
    agent_errors: int  # the agent ended in its own error; graded like any other trial
    passed: int
    pass_rate: float  # the mean over tasks of each task's pass share
    ci_low: float
    ci_high: float
    ci_method: str  # "wilson" (one epoch, no shared clusters) or "clustered-t"
    mean_reward: float  # the mean over tasks of each task's mean reward
    pass_at_k: dict[int, float] = field(default_factory=dict)  # k = 1 .. fewest epochs
    pass_hat_k: dict[int, float] = field(default_factory=dict)  # when epochs > 1
    median_wall_s: float = NAN
    p90_wall_s: float = NAN
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    median_tokens_in: float = NAN
    median_tokens_out: float = NAN
    tool_calls: int = 0
    median_tool_calls: float = NAN
    cache_hit_rate: float = NAN  # tokens_cached / tokens_in
    tool_kinds: dict[str, int] = field(default_factory=dict)  # tool results by error kind
    tool_names: dict[str, int] = field(default_factory=dict)  # tool calls by tool

    def to_dict(self) -> dict[str, Any]:
        return _finite_or_none(asdict(self))


def _pass_rate_and_ci(
    trials: Sequence[TrialResult], confidence: float
) -> tuple[float, float, float, str]:
    """Wilson at one epoch when no cluster holds several tasks; else the clustered
    interval over task means, clipped to [0, 1] and never narrower than Wilson's over the
    tasks: a t interval has no width when every task came out alike (0 of 6 passed gave
    [0%, 0%]), and clustering can only widen what the task count allows."""
    outcomes = _by_task(trials)
    clusters = _clusters_of(trials)
    one_epoch = all(len(values) == 1 for values in outcomes.values())
    if one_epoch and not _clusters_matter(list(outcomes), clusters):
        passes = int(sum(values[0] for values in outcomes.values()))
        return (*pass_rate_ci(passes, len(outcomes), confidence), "wilson")
    rate, low, high = clustered_mean_ci(outcomes, clusters, confidence)
    _, wilson_low, wilson_high = pass_rate_ci(
        sum(float(np.mean(v)) for v in outcomes.values()), len(outcomes), confidence
    )
    low, high = _widest((low, high), (wilson_low, wilson_high))
    return rate, max(0.0, low), min(1.0, high), "clustered-t"


def _widest(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """The union of two intervals (a NaN bound counts as no bound)."""
    lows = [x for x in (a[0], b[0]) if not math.isnan(x)]
    highs = [x for x in (a[1], b[1]) if not math.isnan(x)]
    return (min(lows) if lows else NAN, max(highs) if highs else NAN)


def _quantile(values: Sequence[float], q: float) -> float:
    """numpy's default (linear, Hyndman & Fan type 7) quantile; NaN for no values."""
    return float(np.percentile(values, q * 100)) if len(values) else NAN


def _resources(ran: Sequence[TrialResult]) -> dict[str, Any]:
    """Time, tokens and tools over the trials that ran (no infrastructure error)."""
    tokens_in = sum(t.tokens_in for t in ran)
    tokens_cached = sum(t.tokens_cached for t in ran)
    kinds, names = Counter(), Counter()
    for trial in ran:
        kinds.update(trial.tool_kinds)
        names.update(trial.tool_names)
    return dict(
        median_wall_s=_quantile([t.wall_s for t in ran], 0.5),
        p90_wall_s=_quantile([t.wall_s for t in ran], 0.9),
        tokens_in=tokens_in, tokens_out=sum(t.tokens_out for t in ran),
        tokens_cached=tokens_cached,
        median_tokens_in=_quantile([t.tokens_in for t in ran], 0.5),
        median_tokens_out=_quantile([t.tokens_out for t in ran], 0.5),
        tool_calls=sum(t.tool_calls for t in ran),
        median_tool_calls=_quantile([t.tool_calls for t in ran], 0.5),
        cache_hit_rate=tokens_cached / tokens_in if tokens_in else NAN,
        tool_kinds=dict(kinds.most_common()), tool_names=dict(names.most_common()),
    )  # fmt: skip


def _pass_k(outcomes: Mapping[str, Sequence[float]]) -> tuple[dict[int, float], dict[int, float]]:
    """pass@k for k = 1 .. the fewest tries a task has, and pass^k too at several."""
    counts = [(len(values), int(sum(values))) for values in outcomes.values()]
    if not counts:
        return {}, {}
    ks = range(1, min(n for n, _ in counts) + 1)
    at_k = {k: suite_pass_at_k(counts, k) for k in ks}
    hat_k = {k: suite_pass_hat_k(counts, k) for k in ks} if max(n for n, _ in counts) > 1 else {}
    return at_k, hat_k


def variant_summary(trials: Sequence[TrialResult], confidence: float = 0.95) -> VariantSummary:
    """Everything reported per variant, from that variant's trials (all of one variant)."""
    _check_confidence(confidence)
    names = {trial.variant for trial in trials}
    if len(names) != 1:
        raise ValueError(f"need the trials of exactly one variant, got {sorted(names)}")
    counted = _counted(trials)
    outcomes = _by_task(counted)
    rate, low, high, ci_method = _pass_rate_and_ci(counted, confidence)
    rewards = [float(np.mean(v)) for v in _by_task(counted, _reward).values()]
    at_k, hat_k = _pass_k(outcomes)
    return VariantSummary(
        name=names.pop(), trials=len(counted), tasks=len(outcomes),
        epochs=max((len(v) for v in outcomes.values()), default=0),
        skipped=len(trials) - len(counted), errors=sum(1 for t in counted if t.error),
        agent_errors=sum(1 for t in counted if t.agent_error and not t.error),
        passed=int(sum(_outcome(t) for t in counted)), pass_rate=rate, ci_low=low,
        ci_high=high, ci_method=ci_method,
        mean_reward=float(np.mean(rewards)) if rewards else NAN,
        pass_at_k=at_k, pass_hat_k=hat_k,
        **_resources([t for t in counted if not t.error]),
    )  # fmt: skip


def _by_variant(
    trials: Iterable[TrialResult], baseline: str | None
) -> dict[str, list[TrialResult]]:
    """Trials by variant, in order of first appearance; the baseline must be one of them."""
    by_variant: dict[str, list[TrialResult]] = defaultdict(list)
    for trial in trials:
        by_variant[trial.variant].append(trial)
    if baseline is not None and baseline not in by_variant:
        raise ValueError(f"no trials of the baseline variant {baseline!r}")
    return by_variant


def summarize(
    trials: Sequence[TrialResult],
    confidence: float = 0.95,
    *,
    baseline: str | None = None,
    method: Method = "auto",
    seed: int = 0,
) -> tuple[list[VariantSummary], list[Comparison]]:
    """Every variant's summary, in order of first appearance, and every other variant
    compared with the baseline (`baseline`, or the first variant)."""
    by_variant = _by_variant(trials, baseline)
    summaries = [variant_summary(group, confidence) for group in by_variant.values()]
    first = baseline if baseline is not None else next(iter(by_variant), None)
    comparisons = [
        paired_comparison(by_variant[first], group, confidence, method=method, seed=seed)
        for name, group in by_variant.items()
        if name != first
    ]
    return summaries, comparisons


def reward_names(trials: Iterable[TrialResult]) -> list[str]:
    """The named rewards the verifier wrote besides `reward`, in order of first sight."""
    names: dict[str, None] = {}
    for trial in trials:
        for name, value in (trial.rewards or {}).items():
            if name != "reward" and isinstance(value, (int, float)) and not isinstance(value, bool):
                names.setdefault(name)
    return list(names)


def compare_rewards(
    trials: Sequence[TrialResult], baseline: str, confidence: float = 0.95, *, seed: int = 0
) -> list[Comparison]:
    """Every other variant against `baseline` on each named reward (`reward_names`)."""
    by_variant = _by_variant(trials, baseline)
    return [
        paired_comparison(by_variant[baseline], group, confidence, seed=seed, metric=name)
        for name in reward_names(trials)
        for variant, group in by_variant.items()
        if variant != baseline
    ]
