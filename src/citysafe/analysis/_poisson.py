"""Exact inference for counts: a rate ratio, a ratio of rate ratios, a Poisson rate.

Three results, each the small-sample method of the epidemiology texts:

- ``rate_ratio``: two Poisson counts with their exposures. Conditional on
  their total, the second count is binomial, so a Clopper-Pearson interval
  on the binomial proportion maps to an exact interval for the ratio
  (Breslow and Day 1987, vol. II, sec. 2.3; Rothman, Greenland and Lash 2008,
  ch. 14).
- ``ratio_of_rate_ratios``: a treated and a control area, each counted before
  and after. Conditional on the four margins the table's after-treated count
  has Fisher's noncentral hypergeometric distribution whose odds parameter is
  the ratio of the two rate ratios, which gives an exact interval (Cornfield
  1956; as R's ``fisher.test``). With several strata (start months) the sum
  over strata is used (Gart 1970; R's ``mantelhaen.test(exact=TRUE)``); when
  that convolution would be too large, the Mantel-Haenszel estimate with the
  Robins, Breslow and Greenland (1986) variance.
- ``poisson_interval``: Garwood's (1936) exact interval for a Poisson mean.

Two-sided p-values are "central": twice the smaller tail, at most 1, so that
a p-value below alpha goes with an interval that leaves out 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

__all__ = [
    "RateRatio",
    "RelativeEffect",
    "mantel_haenszel_rate_ratio",
    "poisson_interval",
    "rate_ratio",
    "ratio_of_rate_ratios",
]

# Above this many multiply-adds the exact stratified convolution gives way to RBG.
_CONVOLUTION_BUDGET = 2e7
_THETA_LIMIT = 60.0  # log odds searched for interval ends: exp(60) ~ 1e26


@dataclass(frozen=True)
class RateRatio:
    """Exact comparison of a count after with a count before.

    Attributes
    ----------
    before, after : int
        The counts.
    exposure_before, exposure_after : float
        What each count is a rate of (months, household-months...).
    ratio : float
        ``(after / exposure_after) / (before / exposure_before)``; NaN when both
        counts are 0, ``inf`` when only ``before`` is.
    change_pct : float
        ``100 * (ratio - 1)``.
    ci_low, ci_high : float
        Exact interval for the ratio at level ``1 - alpha`` (0 and ``inf`` where
        the data cannot bound it).
    p_value : float
        Exact two-sided (central) p-value of no change.
    alpha : float
    method : str
    """

    before: int
    after: int
    exposure_before: float
    exposure_after: float
    ratio: float
    change_pct: float
    ci_low: float
    ci_high: float
    p_value: float
    alpha: float
    method: str


@dataclass(frozen=True)
class RelativeEffect:
    """Ratio of the treated area's rate ratio to the control's, with an exact interval.

    Attributes
    ----------
    treated_before, treated_after, control_before, control_after : int
        Counts summed over strata.
    ratio : float
        ``(treated_after / treated_before) / (control_after / control_before)``,
        the Mantel-Haenszel estimate when there are several strata. Below 1:
        crime fell in the treated area relative to the control.
    ci_low, ci_high : float
        Interval at level ``1 - alpha``.
    p_value : float
        Two-sided p-value of a ratio of 1.
    strata : int
        Strata (start months) that carry information.
    alpha : float
    method : str
    """

    treated_before: int
    treated_after: int
    control_before: int
    control_after: int
    ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    strata: int
    alpha: float
    method: str


def _check_alpha(alpha) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.floating):
        raise TypeError(f"alpha must be a number, got {type(alpha).__name__}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    return float(alpha)


def _check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, got {value}")
    return int(value)


def _ratio(numerator: float, denominator: float) -> float:
    if denominator > 0:
        return numerator / denominator
    return math.nan if numerator == 0 else math.inf


def rate_ratio(
    after: int,
    before: int,
    exposure_after: float = 1.0,
    exposure_before: float = 1.0,
    *,
    alpha: float = 0.05,
) -> RateRatio:
    """Exact rate ratio of ``after`` to ``before``, conditional on their total.

    Parameters
    ----------
    after, before : int
        Counts, taken as Poisson.
    exposure_after, exposure_before : float
        Exposures (greater than 0) of each count: equal windows give equal exposures.
    alpha : float
        1 - confidence level.

    Returns
    -------
    RateRatio

    Notes
    -----
    Given ``n = after + before``, ``after ~ Binomial(n, p)`` with
    ``p = R e_a / (R e_a + e_b)``. The Clopper-Pearson bounds of ``p``
    (beta quantiles) map to ``R = p / (1 - p) * e_b / e_a``; ``after = 0``
    gives a lower bound of 0, ``before = 0`` an upper bound of ``inf``, and
    ``n = 0`` the whole line. Breslow and Day (1987), vol. II, sec. 2.3.

    Examples
    --------
    >>> result = rate_ratio(5, 10)
    >>> result.ratio, round(result.ci_low, 3), round(result.ci_high, 3)
    (0.5, 0.134, 1.605)
    """
    after, before = _check_count(after, "after"), _check_count(before, "before")
    e_a, e_b = float(exposure_after), float(exposure_before)
    if not (math.isfinite(e_a) and math.isfinite(e_b)) or e_a <= 0 or e_b <= 0:
        raise ValueError(
            f"exposures must be finite and greater than 0, got {exposure_after} and "
            f"{exposure_before}"
        )
    alpha = _check_alpha(alpha)
    n = after + before
    ratio = _ratio(after / e_a, before / e_b)
    if n == 0:
        low, high, p_value = 0.0, math.inf, 1.0
    else:
        p_low = stats.beta.ppf(alpha / 2, after, n - after + 1) if after > 0 else 0.0
        p_high = stats.beta.ppf(1 - alpha / 2, after + 1, n - after) if after < n else 1.0
        scale = e_b / e_a
        low = p_low / (1 - p_low) * scale
        high = p_high / (1 - p_high) * scale if p_high < 1 else math.inf
        p0 = e_a / (e_a + e_b)
        tails = stats.binom.cdf(after, n, p0), stats.binom.sf(after - 1, n, p0)
        p_value = min(1.0, 2 * float(min(tails)))
    return RateRatio(
        before=before,
        after=after,
        exposure_before=e_b,
        exposure_after=e_a,
        ratio=ratio,
        change_pct=100.0 * (ratio - 1.0),
        ci_low=float(low),
        ci_high=float(high),
        p_value=p_value,
        alpha=alpha,
        method="exact conditional (Clopper-Pearson on after | before + after)",
    )


def poisson_interval(count: int, *, alpha: float = 0.05) -> tuple[float, float]:
    """Garwood's exact interval for the mean of a Poisson count.

    Examples
    --------
    >>> [round(v, 3) for v in poisson_interval(0)]
    [0.0, 3.689]
    """
    count = _check_count(count, "count")
    alpha = _check_alpha(alpha)
    low = stats.chi2.ppf(alpha / 2, 2 * count) / 2 if count > 0 else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(low), float(high)


# ---------------------------------------------------------------- ratio of rate ratios


def _as_tables(tables) -> np.ndarray:
    array = np.asarray(tables)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"tables must hold whole numbers, got dtype {array.dtype}")
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != 4:
        raise ValueError(
            "tables must have shape (strata, 4): treated before, treated after, control "
            f"before, control after; got shape {array.shape}"
        )
    if (array < 0).any() or (array != np.round(array)).any():
        raise ValueError("tables must hold whole numbers of 0 or more")
    return array.astype(np.int64)


def _stratum_log_pmf(n1: int, n0: int, m: int) -> tuple[int, np.ndarray]:
    """Support start and central (odds 1) log pmf of the treated-after count of one stratum."""
    low, high = max(0, m - n0), min(n1, m)
    x = np.arange(low, high + 1)
    log_pmf = (
        special.gammaln(n1 + 1)
        - special.gammaln(x + 1)
        - special.gammaln(n1 - x + 1)
        + special.gammaln(n0 + 1)
        - special.gammaln(m - x + 1)
        - special.gammaln(n0 - m + x + 1)
    )
    return low, log_pmf - special.logsumexp(log_pmf)


def _central_log_pmf(tables: np.ndarray) -> tuple[int, np.ndarray]:
    """Support start and log pmf at odds 1 of the treated-after count summed over strata."""
    start, log_pmf = 0, np.zeros(1)
    for a, b, c, d in tables:
        low, part = _stratum_log_pmf(int(a + b), int(c + d), int(b + d))
        if log_pmf.size == 1:
            start, log_pmf = start + low, log_pmf + part
            continue
        # linear-space convolution of max-scaled pmfs: products of positives, no cancellation
        shift_a, shift_b = log_pmf.max(), part.max()
        with np.errstate(divide="ignore"):
            joined = np.log(np.convolve(np.exp(log_pmf - shift_a), np.exp(part - shift_b)))
        start, log_pmf = start + low, joined + shift_a + shift_b
    return start, log_pmf - special.logsumexp(log_pmf)


def _tails(log_pmf: np.ndarray, index: int, theta: float) -> tuple[float, float]:
    """log P(X <= x) and log P(X >= x) under odds exp(theta), x at ``index`` of the support."""
    tilted = log_pmf + theta * np.arange(log_pmf.size)
    top = tilted.max()
    weight = np.exp(tilted - top)
    total = weight.sum()
    below, above = weight[: index + 1].sum(), weight[index:].sum()
    # a tail below the smallest double: its log from its largest term (only its sign matters)
    log_below = math.log(below / total) if below > 0 else float(tilted[: index + 1].max() - top)
    log_above = math.log(above / total) if above > 0 else float(tilted[index:].max() - top)
    return min(log_below, 0.0), min(log_above, 0.0)


def _exact_interval(log_pmf: np.ndarray, index: int, alpha: float) -> tuple[float, float, float]:
    """Exact conditional interval of the odds and the central p-value of odds 1."""
    target = math.log(alpha / 2)
    last = log_pmf.size - 1

    def upper_tail(theta):  # increasing in theta
        return _tails(log_pmf, index, theta)[1] - target

    def lower_tail(theta):  # decreasing in theta
        return _tails(log_pmf, index, theta)[0] - target

    if index == 0 or upper_tail(-_THETA_LIMIT) > 0:
        low = 0.0
    else:
        low = math.exp(optimize.brentq(upper_tail, -_THETA_LIMIT, _THETA_LIMIT, xtol=1e-9))
    if index == last or lower_tail(_THETA_LIMIT) > 0:
        high = math.inf
    else:
        high = math.exp(optimize.brentq(lower_tail, -_THETA_LIMIT, _THETA_LIMIT, xtol=1e-9))
    below, above = _tails(log_pmf, index, 0.0)
    p_value = min(1.0, 2 * math.exp(min(below, above)))
    return low, high, p_value


def _rbg_interval(tables: np.ndarray, alpha: float) -> tuple[float, float, float, float]:
    """Mantel-Haenszel odds ratio with the Robins-Breslow-Greenland variance (Wald, log scale)."""
    a, b, c, d = (tables[:, k].astype(float) for k in range(4))
    n = a + b + c + d
    # in the odds-ratio layout the after-treated and before-control cells are the diagonal
    r, s = b * c / n, a * d / n
    p, q = (b + c) / n, (a + d) / n
    sum_r, sum_s = r.sum(), s.sum()
    ratio = _ratio(sum_r, sum_s)
    if not (sum_r > 0 and sum_s > 0):
        return ratio, 0.0, math.inf, 1.0
    variance = (
        (p * r).sum() / (2 * sum_r**2)
        + (p * s + q * r).sum() / (2 * sum_r * sum_s)
        + (q * s).sum() / (2 * sum_s**2)
    )
    z = stats.norm.ppf(1 - alpha / 2)
    log_ratio, se = math.log(ratio), math.sqrt(variance)
    p_value = float(2 * stats.norm.sf(abs(log_ratio) / se))
    return ratio, math.exp(log_ratio - z * se), math.exp(log_ratio + z * se), p_value


def ratio_of_rate_ratios(tables, *, alpha: float = 0.05) -> RelativeEffect:
    """The treated area's change relative to the control's, with an exact interval.

    Parameters
    ----------
    tables : array_like
        ``(4,)`` or ``(strata, 4)`` counts: treated before, treated after,
        control before, control after. Within a stratum both areas share the
        same before and after months, so the exposures cancel.
    alpha : float
        1 - confidence level.

    Returns
    -------
    RelativeEffect

    Notes
    -----
    ``(b / a) / (d / c)`` is the odds ratio of the table ``[[a, b], [c, d]]``.
    Given its margins, ``b`` follows Fisher's noncentral hypergeometric
    distribution with that odds ratio as parameter; inverting its two tails
    gives the exact conditional interval (Cornfield 1956), as R's
    ``fisher.test``. Strata are combined through the distribution of the sum
    of their ``b`` (Gart 1970; R's ``mantelhaen.test(exact=TRUE)``), which is
    exact too. The estimate is Mantel-Haenszel's. When the convolution over
    strata would take more than about 2e7 operations (many start months and
    large counts) the interval is the Robins, Breslow and Greenland (1986)
    log-scale Wald interval instead; ``method`` says which.

    Examples
    --------
    >>> effect = ratio_of_rate_ratios([100, 60, 1000, 1000])
    >>> round(effect.ratio, 2), effect.ci_low < 0.6 < effect.ci_high < 1
    (0.6, True)
    """
    tables = _as_tables(tables)
    alpha = _check_alpha(alpha)
    totals = tables.sum(axis=0)
    a, b, c, d = (int(v) for v in totals)
    n = tables.sum(axis=1)
    informative = tables[
        (n > 0)
        & (tables[:, 0] + tables[:, 1] > 0)
        & (tables[:, 2] + tables[:, 3] > 0)
        & (tables[:, 1] + tables[:, 3] > 0)
        & (tables[:, 0] + tables[:, 2] > 0)
    ]
    common = dict(
        treated_before=a,
        treated_after=b,
        control_before=c,
        control_after=d,
        strata=int(len(informative)),
        alpha=alpha,
    )
    if len(informative) == 0:
        return RelativeEffect(
            ratio=_ratio(b * c, a * d),
            ci_low=0.0,
            ci_high=math.inf,
            p_value=1.0,
            method="no information: a row or column of the table is empty",
            **common,
        )
    strata_n = informative.sum(axis=1).astype(float)
    mh = _ratio(
        float((informative[:, 1] * informative[:, 2] / strata_n).sum()),
        float((informative[:, 0] * informative[:, 3] / strata_n).sum()),
    )
    sizes = informative[:, 0] + informative[:, 1] + 1
    cost = float(np.sum(np.cumsum(sizes)[:-1] * sizes[1:]))
    if cost <= _CONVOLUTION_BUDGET:
        start, log_pmf = _central_log_pmf(informative)
        index = int(informative[:, 1].sum()) - start
        low, high, p_value = _exact_interval(log_pmf, index, alpha)
        method = (
            "exact conditional (Fisher noncentral hypergeometric, Cornfield interval)"
            if len(informative) == 1
            else "exact conditional over strata (Gart), Mantel-Haenszel estimate"
        )
    else:
        mh, low, high, p_value = _rbg_interval(informative, alpha)
        method = "Mantel-Haenszel with Robins-Breslow-Greenland variance (log-scale Wald)"
    return RelativeEffect(
        ratio=float(mh),
        ci_low=float(low),
        ci_high=float(high),
        p_value=p_value,
        method=method,
        **common,
    )


def mantel_haenszel_rate_ratio(
    exposed_cases, exposed_time, unexposed_cases, unexposed_time, *, alpha: float = 0.05
) -> tuple[float, float, float, float]:
    """Mantel-Haenszel rate ratio over strata with the Greenland-Robins (1985) variance.

    Parameters
    ----------
    exposed_cases, exposed_time, unexposed_cases, unexposed_time : array_like
        Per stratum counts and person-time (strata with no person-time on
        either side carry no information and are dropped).
    alpha : float

    Returns
    -------
    tuple of float
        ratio, ci_low, ci_high, p_value (log-scale Wald).

    Notes
    -----
    ``RR = sum(a T0 / T) / sum(b T1 / T)``; ``Var(log RR) = sum(M T1 T0 / T^2) /
    (sum(a T0 / T) sum(b T1 / T))`` (Greenland and Robins 1985; Rothman,
    Greenland and Lash 2008, ch. 15).
    """
    a, t1, b, t0 = (
        np.asarray(v, dtype=float)
        for v in (exposed_cases, exposed_time, unexposed_cases, unexposed_time)
    )
    if not (a.shape == t1.shape == b.shape == t0.shape) or a.ndim != 1:
        raise ValueError("the four arrays must be one-dimensional and of equal length")
    alpha = _check_alpha(alpha)
    keep = (t1 > 0) & (t0 > 0)
    a, t1, b, t0 = a[keep], t1[keep], b[keep], t0[keep]
    t = t1 + t0
    numerator, denominator = float((a * t0 / t).sum()), float((b * t1 / t).sum())
    ratio = _ratio(numerator, denominator)
    if not (numerator > 0 and denominator > 0):
        return ratio, 0.0, math.inf, 1.0
    variance = float(((a + b) * t1 * t0 / t**2).sum()) / (numerator * denominator)
    z = stats.norm.ppf(1 - alpha / 2)
    log_ratio, se = math.log(ratio), math.sqrt(variance)
    p_value = float(2 * stats.norm.sf(abs(log_ratio) / se))
    return ratio, math.exp(log_ratio - z * se), math.exp(log_ratio + z * se), p_value
