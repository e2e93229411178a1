"""Home-security programmes: burglary per 1,000 households in protected and unprotected homes.

As Mansfield's Safe and Secure Homes reported it (seed 003): over a period,
burglaries per 1,000 households in homes already fitted, in the programme's
homes not yet fitted, and in the whole force area, and the share of the
programme's burglaries that were in protected homes. A home counts as
protected in every month from its installation month on, so each home's
months are split between the two groups (household-months of exposure).

Burglaries are linked to households, not to map points: a police.uk map
point is shared by many homes, protected and not, so the point alone cannot
say which group a burglary belongs to. The programme's own records (or the
police's, shared under the partnership's agreement) supply the link.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

from citysafe.analysis._arrays import as_ints, month_number
from citysafe.analysis._coverage import programme_coverage
from citysafe.analysis._poisson import (
    RateRatio,
    mantel_haenszel_rate_ratio,
    poisson_interval,
    rate_ratio,
)

__all__ = ["HomeRate", "HomesProgramme", "StratifiedRatio", "homes_programme"]

PER = 1000.0


@dataclass(frozen=True)
class HomeRate:
    """Burglaries per 1,000 households over the period, with Garwood's exact interval.

    Attributes
    ----------
    burglaries : int
    household_months : float
        Exposure: households times months.
    households : float
        Average households over the period (``household_months / months``).
    rate, ci_low, ci_high : float
        Burglaries per 1,000 households over the whole period.
    """

    burglaries: int
    household_months: float
    households: float
    rate: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class StratifiedRatio:
    """Mantel-Haenszel rate ratio over month strata (Greenland and Robins 1985)."""

    ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    strata: str


@dataclass(frozen=True)
class HomesProgramme:
    """Burglary in a home-security programme's protected and unprotected homes.

    Attributes
    ----------
    first_month, last_month, months : int
        The period (month indices, inclusive) and its length.
    households, installed : int
        Programme homes, and those fitted by the end of the period.
    protected, unprotected, programme : HomeRate
        Fitted homes (in their fitted months), homes not yet fitted, and all of them.
    force : HomeRate or None
        The whole force area, when its households and burglaries are given.
    rate_ratio : RateRatio
        Protected against unprotected, exact (crude: all months pooled).
    stratified : StratifiedRatio
        The same compared month by month (and within ``stratum`` groups),
        which keeps trend and season out of the comparison: the better figure
        when installations spread over many months.
    share_protected, share_ci_low, share_ci_high : float
        Share of the programme's burglaries in protected homes, Clopper-Pearson interval.
    alpha : float
    protected_by_month : tuple of float
        Protected household-months in each month of the period.
    """

    first_month: int
    last_month: int
    months: int
    households: int
    installed: int
    protected: HomeRate
    unprotected: HomeRate
    programme: HomeRate
    force: HomeRate | None
    rate_ratio: RateRatio
    stratified: StratifiedRatio
    share_protected: float
    share_ci_low: float
    share_ci_high: float
    alpha: float
    protected_by_month: tuple[float, ...] = ()


def _home_rate(count: int, household_months: float, months: int, alpha: float) -> HomeRate:
    households = household_months / months
    if households <= 0:
        nan = math.nan
        return HomeRate(count, household_months, households, nan, nan, nan)
    low, high = poisson_interval(count, alpha=alpha)
    scale = PER / households
    return HomeRate(count, household_months, households, count * scale, low * scale, high * scale)


def _force(force_households, force_burglaries, months, alpha) -> HomeRate | None:
    if force_households is None and force_burglaries is None:
        return None
    if force_households is None or force_burglaries is None:
        raise ValueError("give both force_households and force_burglaries, or neither")
    if isinstance(force_households, bool) or not isinstance(force_households, numbers.Real):
        raise TypeError(f"force_households must be a number, got {type(force_households).__name__}")
    if force_households <= 0:
        raise ValueError(f"force_households must be above 0, got {force_households}")
    burglaries = int(force_burglaries)
    if burglaries < 0 or burglaries != force_burglaries:
        raise ValueError(f"force_burglaries must be a count, got {force_burglaries}")
    return _home_rate(burglaries, float(force_households) * months, months, alpha)


def homes_programme(
    installed_month,
    burglary_household,
    burglary_month,
    *,
    first_month: int,
    last_month: int,
    force_households: float | None = None,
    force_burglaries: int | None = None,
    stratum=None,
    alpha: float = 0.05,
) -> HomesProgramme:
    """Burglary per 1,000 households in protected and unprotected homes of a programme.

    Parameters
    ----------
    installed_month : array_like of int
        ``(H,)`` month index each programme home was fitted, negative if never.
    burglary_household : array_like of int
        ``(B,)`` the programme home burgled (row of ``installed_month``); -1 for
        a burglary of a home outside the programme, which is ignored.
    burglary_month : array_like of int
        ``(B,)`` month index of each burglary.
    first_month, last_month : int
        The period, inclusive.
    force_households : float, optional
        Households in the force area.
    force_burglaries : int, optional
        Burglaries in the force area over the period (police.uk's "Burglary",
        which also holds non-residential burglary: say so when reporting).
    stratum : array_like of int, optional
        ``(H,)`` a group of each home (its neighbourhood, say) to compare
        within, besides month.
    alpha : float

    Returns
    -------
    HomesProgramme

    Notes
    -----
    Rates: Garwood's exact Poisson interval. Protected against unprotected:
    exact conditional rate ratio (Breslow and Day 1987) and the
    Mantel-Haenszel rate ratio over months with the Greenland and Robins
    (1985) variance.
    """
    installed = as_ints(installed_month, "installed_month")
    home, month = (
        as_ints(burglary_household, "burglary_household"),
        as_ints(burglary_month, "burglary_month"),
    )
    if len(home) != len(month):
        raise ValueError(
            f"burglary_household and burglary_month differ in length: {len(home)}, {len(month)}"
        )
    if ((home < -1) | (home >= len(installed))).any():
        raise ValueError(f"burglary_household must be -1 or a home below {len(installed)}")
    first, last = month_number(first_month, "first_month"), month_number(last_month, "last_month")
    if last < first:
        raise ValueError(f"last_month {last} is before first_month {first}")
    group = np.zeros(len(installed), np.int64) if stratum is None else as_ints(stratum, "stratum")
    if len(group) != len(installed):
        raise ValueError(f"stratum must have one entry per home ({len(installed)})")
    months = last - first + 1
    fitted = installed >= 0
    # per month x group: homes protected and homes in all
    coverage = programme_coverage(installed, group, first_month=first, last_month=last)
    groups, group_index = np.unique(group, return_inverse=True)
    homes = coverage.households.astype(float)
    protected_homes = coverage.protected.astype(float)
    keep = (home >= 0) & (month >= first) & (month <= last)
    home, month = home[keep], month[keep]
    is_protected = fitted[home] & (installed[home] <= month)
    cell = (month - first) * len(groups) + group_index[home]
    cases_p = np.bincount(cell[is_protected], minlength=months * len(groups))
    cases_u = np.bincount(cell[~is_protected], minlength=months * len(groups))
    time_p = protected_homes.ravel()
    time_u = np.tile(homes, months) - time_p
    result = _programme_result(
        first,
        last,
        months,
        installed,
        cases_p,
        cases_u,
        time_p,
        time_u,
        _force(force_households, force_burglaries, months, alpha),
        stratum is not None,
        alpha,
    )
    monthly = tuple(protected_homes.sum(axis=1).astype(float).tolist())
    return replace(result, protected_by_month=monthly)


def _programme_result(
    first, last, months, installed, cases_p, cases_u, time_p, time_u, force, grouped, alpha
) -> HomesProgramme:
    n_p, n_u = int(cases_p.sum()), int(cases_u.sum())
    t_p, t_u = float(time_p.sum()), float(time_u.sum())
    if t_p > 0 and t_u > 0:
        crude = rate_ratio(n_p, n_u, t_p, t_u, alpha=alpha)
    else:
        nan = math.nan
        crude = RateRatio(
            n_u, n_p, t_u, t_p, nan, nan, nan, nan, nan, alpha, "no exposure in one of the groups"
        )
    ratio, low, high, p_value = mantel_haenszel_rate_ratio(
        cases_p, time_p, cases_u, time_u, alpha=alpha
    )
    strata = "month and group" if grouped else "month"
    total = n_p + n_u
    if total:
        share_low = stats.beta.ppf(alpha / 2, n_p, total - n_p + 1) if n_p else 0.0
        share_high = stats.beta.ppf(1 - alpha / 2, n_p + 1, total - n_p) if n_p < total else 1.0
        share = n_p / total
    else:
        share = share_low = share_high = math.nan
    return HomesProgramme(
        first_month=first,
        last_month=last,
        months=months,
        households=len(installed),
        installed=int(((installed >= 0) & (installed <= last)).sum()),
        protected=_home_rate(n_p, t_p, months, alpha),
        unprotected=_home_rate(n_u, t_u, months, alpha),
        programme=_home_rate(total, t_p + t_u, months, alpha),
        force=force,
        rate_ratio=crude,
        stratified=StratifiedRatio(ratio, low, high, p_value, strata),
        share_protected=share,
        share_ci_low=float(share_low),
        share_ci_high=float(share_high),
        alpha=float(alpha),
    )
