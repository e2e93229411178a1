"""Exact rate ratios, ratios of rate ratios and Poisson rates against independent computations."""

import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from scipy.stats.contingency import odds_ratio

from citysafe.analysis._poisson import mantel_haenszel_rate_ratio
from citysafe.analysis.evaluation import poisson_interval, rate_ratio, ratio_of_rate_ratios


def binomial_interval(after, before, exposure_after=1.0, exposure_before=1.0):
    """The rate ratio interval by scipy's own exact binomial test, mapped by hand."""
    ci = stats.binomtest(after, after + before).proportion_ci(0.95, method="exact")
    scale = exposure_before / exposure_after
    to_ratio = lambda p: p / (1 - p) * scale if p < 1 else math.inf  # noqa: E731
    return to_ratio(ci.low), to_ratio(ci.high)


def test_before_10_after_5_by_hand():
    result = rate_ratio(5, 10)
    assert (result.before, result.after) == (10, 5)
    assert result.ratio == 0.5
    assert result.change_pct == -50.0
    assert_allclose((result.ci_low, result.ci_high), binomial_interval(5, 10), rtol=1e-9)
    # the Clopper-Pearson bounds of 5 in 15: 0.1182 and 0.6162 (beta quantiles)
    assert_allclose(
        (result.ci_low, result.ci_high), (0.11824 / 0.88176, 0.61615 / 0.38385), rtol=2e-4
    )
    # central p-value: twice the lower tail of Binomial(15, 1/2) at 5
    assert_allclose(result.p_value, 2 * stats.binom.cdf(5, 15, 0.5))


@pytest.mark.parametrize(("after", "before"), [(0, 7), (7, 0), (1, 1), (40, 61), (300, 250)])
def test_interval_matches_scipy_binomtest(after, before):
    result = rate_ratio(after, before)
    assert_allclose((result.ci_low, result.ci_high), binomial_interval(after, before), rtol=1e-9)


def test_zeros_on_either_side():
    fell_to_zero = rate_ratio(0, 7)
    assert fell_to_zero.ratio == 0 and fell_to_zero.ci_low == 0
    assert_allclose(fell_to_zero.ci_high, binomial_interval(0, 7)[1])
    assert_allclose(fell_to_zero.p_value, 2 * 0.5**7)
    from_zero = rate_ratio(7, 0)
    assert from_zero.ratio == math.inf and from_zero.ci_high == math.inf
    assert_allclose(from_zero.ci_low, binomial_interval(7, 0)[0])
    nothing = rate_ratio(0, 0)
    assert math.isnan(nothing.ratio) and math.isnan(nothing.change_pct)
    assert (nothing.ci_low, nothing.ci_high, nothing.p_value) == (0.0, math.inf, 1.0)


def test_exposures_scale_the_ratio():
    """After 12 in 6 months against 12 in 12 months: the rate doubled."""
    result = rate_ratio(12, 12, exposure_after=6, exposure_before=12)
    assert result.ratio == 2.0
    assert_allclose((result.ci_low, result.ci_high), binomial_interval(12, 12, 6, 12))
    # p-value against p0 = 6 / 18 under no change, central
    p0 = 1 / 3
    tails = stats.binom.cdf(12, 24, p0), stats.binom.sf(11, 24, p0)
    assert_allclose(result.p_value, min(1, 2 * min(tails)))


def test_rate_ratio_rejects_bad_input():
    with pytest.raises(TypeError, match="after must be a whole number, got float"):
        rate_ratio(1.5, 2)
    with pytest.raises(ValueError, match="before must be 0 or more, got -1"):
        rate_ratio(1, -1)
    with pytest.raises(ValueError, match="exposures must be finite and greater than 0"):
        rate_ratio(1, 1, 0, 1)
    with pytest.raises(ValueError, match="alpha must be between 0 and 1, got 1.5"):
        rate_ratio(1, 1, alpha=1.5)


def test_poisson_interval_is_garwood():
    assert_allclose(poisson_interval(0), (0.0, -math.log(0.025)))
    low, high = poisson_interval(10)
    # textbook values for 10 events: 4.795 to 18.390
    assert_allclose((low, high), (4.7954, 18.3904), atol=1e-4)


# ---------------------------------------------------------------- ratio of rate ratios


@pytest.mark.parametrize(
    "table",
    [
        (100, 60, 1000, 1000),
        (10, 5, 20, 30),
        (3, 0, 50, 40),
        (0, 4, 50, 40),
        (542, 340, 7002, 7488),
    ],
)
def test_one_stratum_is_fishers_exact_conditional_interval(table):
    a, b, c, d = table
    effect = ratio_of_rate_ratios(table)
    reference = odds_ratio([[b, a], [d, c]], kind="conditional")
    interval = reference.confidence_interval(0.95)
    assert_allclose((effect.ci_low, effect.ci_high), (interval.low, interval.high), rtol=1e-6)
    expected = b * c / (a * d) if a * d else (math.inf if b * c else math.nan)
    assert effect.ratio == pytest.approx(expected)
    # the central p-value from the same noncentral hypergeometric at odds 1
    null = stats.hypergeom(a + b + c + d, a + b, b + d)
    assert_allclose(effect.p_value, min(1, 2 * min(null.cdf(b), null.sf(b - 1))), rtol=1e-9)


def test_empty_tables_carry_no_information():
    for table in [(0, 0, 10, 10), (5, 5, 0, 0), (0, 0, 0, 0)]:
        effect = ratio_of_rate_ratios(table)
        assert (effect.ci_low, effect.ci_high, effect.p_value, effect.strata) == (
            0.0,
            math.inf,
            1.0,
            0,
        )


def brute_force_stratified(tables, psi):
    """P(sum of after-treated <= x) and P(>= x) by enumerating every stratum's support."""
    supports, weights = [], []
    for a, b, c, d in tables:
        n1, n0, m = a + b, c + d, b + d
        xs = np.arange(max(0, m - n0), min(n1, m) + 1)
        w = np.array([math.comb(n1, x) * math.comb(n0, m - x) * psi**x for x in xs], float)
        supports.append(xs)
        weights.append(w / w.sum())
    observed = sum(t[1] for t in tables)
    below = above = 0.0
    for combo in itertools.product(*[range(len(s)) for s in supports]):
        total = sum(s[i] for s, i in zip(supports, combo, strict=True))
        p = math.prod(w[i] for w, i in zip(weights, combo, strict=True))
        below += p if total <= observed else 0.0
        above += p if total >= observed else 0.0
    return below, above


def test_several_strata_invert_the_exact_distribution_of_the_sum():
    tables = np.array([[6, 3, 9, 12], [4, 1, 7, 5], [8, 6, 10, 15]])
    effect = ratio_of_rate_ratios(tables)
    assert effect.strata == 3
    # at the interval's ends the brute-force tails are alpha / 2
    assert_allclose(brute_force_stratified(tables, effect.ci_low)[1], 0.025, rtol=1e-6)
    assert_allclose(brute_force_stratified(tables, effect.ci_high)[0], 0.025, rtol=1e-6)
    below, above = brute_force_stratified(tables, 1.0)
    assert_allclose(effect.p_value, min(1, 2 * min(below, above)), rtol=1e-8)
    # the estimate is Mantel-Haenszel's
    a, b, c, d = tables.T
    n = tables.sum(axis=1)
    assert_allclose(effect.ratio, (b * c / n).sum() / (a * d / n).sum())


def test_large_strata_fall_back_to_robins_breslow_greenland():
    from statsmodels.stats.contingency_tables import StratifiedTable

    rng = np.random.default_rng(3)
    tables = np.column_stack(
        [rng.poisson(900, 40), rng.poisson(800, 40), rng.poisson(9000, 40), rng.poisson(9000, 40)]
    )
    effect = ratio_of_rate_ratios(tables)
    assert "Robins-Breslow-Greenland" in effect.method
    reference = StratifiedTable([np.array([[b, a], [d, c]]) for a, b, c, d in tables])
    assert_allclose(effect.ratio, reference.oddsratio_pooled)
    assert_allclose((effect.ci_low, effect.ci_high), reference.oddsratio_pooled_confint())


def test_exact_interval_covers_by_simulation():
    """Poisson counts with a true ratio of rate ratios of 0.7: coverage at least nominal."""
    rng = np.random.default_rng(2024)
    mean = np.array([20.0, 14.0, 200.0, 200.0])  # (14 / 20) / (200 / 200) = 0.7
    covered = sum(
        (e := ratio_of_rate_ratios(rng.poisson(mean))).ci_low <= 0.7 <= e.ci_high
        for _ in range(400)
    )
    # conditional exact intervals are conservative: expect 95% or a little more
    assert 0.93 <= covered / 400 <= 0.995


def test_table_checks():
    with pytest.raises(ValueError, match=r"shape \(strata, 4\)"):
        ratio_of_rate_ratios([1, 2, 3])
    with pytest.raises(ValueError, match="whole numbers of 0 or more"):
        ratio_of_rate_ratios([1, 2, 3, -4])
    with pytest.raises(TypeError, match="whole numbers"):
        ratio_of_rate_ratios(["a", "b", "c", "d"])


def test_mantel_haenszel_rate_ratio_by_hand():
    """Two strata worked by hand (Rothman, Greenland and Lash, ch. 15 formulae)."""
    a, t1 = np.array([10, 5]), np.array([1000.0, 400.0])
    b, t0 = np.array([20, 30]), np.array([1000.0, 1200.0])
    ratio, low, high, _ = mantel_haenszel_rate_ratio(a, t1, b, t0)
    t = t1 + t0
    numerator, denominator = (a * t0 / t).sum(), (b * t1 / t).sum()
    assert_allclose(ratio, numerator / denominator)
    se = math.sqrt(((a + b) * t1 * t0 / t**2).sum() / (numerator * denominator))
    assert_allclose(
        (low, high), (ratio * math.exp(-1.959964 * se), ratio * math.exp(1.959964 * se)), rtol=1e-6
    )
    # one stratum: the crude ratio
    assert_allclose(mantel_haenszel_rate_ratio([10], [1000], [20], [1000])[0], 0.5)
