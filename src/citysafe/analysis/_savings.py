"""Savings of a home-security programme: burglaries prevented in protected homes, valued.

Burglaries prevented are the protected homes' burglaries had they been
unprotected, less those they had. With ``n_p`` burglaries over ``T_p``
protected household-months and a rate ratio ``RR`` of protected to
unprotected homes,

    prevented = n_p / RR - n_p = (r_u* - r_p) T_p,

the rate difference applied to the protected household-months, where
``r_p = n_p / T_p`` and ``r_u* = r_p / RR`` is the unprotected rate
standardised to the protected homes' months (and areas) when ``RR`` is the
Mantel-Haenszel ratio. Its interval maps the ratio's interval,
``n_p / RR_high - n_p`` to ``n_p / RR_low - n_p``, as the Evidence engine's
cost-benefit does. That holds ``n_p`` fixed but carries its variance in the
ratio's interval, which makes it conservative whenever protection lowers
the rate: its squared half-width exceeds the delta-method variance by
``(E^2 - n_p^2) / n_p``, ``E = n_p / RR``. With no burglary in protected
homes the ratio cannot say how many were prevented, and the crude
unprotected rate is used: ``n_u T_p / T_u`` with Garwood's interval on ``n_u``.

Prevention in a month is the period's rate difference times that month's
protected household-months; valued at a cost per burglary it is set against
the programme's spending month by month, and the break-even month is the
first in which cumulative savings reach cumulative cost.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from citysafe.analysis._homes import HomesProgramme
from citysafe.analysis._poisson import poisson_interval

__all__ = ["ProgrammeSavings", "programme_savings", "savings_of_programme"]

ESTIMATOR = (
    "prevented = n_p / RR - n_p: burglaries in protected homes had they had the unprotected "
    "homes' rate, less those they had (the rate difference times the protected "
    "household-months); interval from the rate ratio's interval"
)
ESTIMATOR_NO_PROTECTED = (
    "no burglary in protected homes: prevented = n_u T_p / T_u (the unprotected rate times the "
    "protected household-months), Garwood's interval on n_u"
)


@dataclass(frozen=True)
class ProgrammeSavings:
    """Burglaries prevented, what they are worth, and when they repay the programme.

    Attributes
    ----------
    first_month : int
        Month index of the first month.
    protected_household_months : float
    protected_burglaries : int
    ratio, ratio_low, ratio_high : float
        The rate ratio (protected / unprotected) the estimate rests on.
    prevented, prevented_low, prevented_high : float
        Burglaries prevented over the period; negative when protected homes
        fared worse.
    cost_per_burglary : float
    saving, saving_low, saving_high : float
        ``prevented * cost_per_burglary`` (pounds).
    cost : float
        The programme's spending to the period's end.
    net : float
        ``saving - cost``.
    cumulative_prevented, cumulative_saving, cumulative_cost : numpy.ndarray
        ``(M,)`` to the end of each month.
    break_even_month : int or None
        Month index of the first month whose cumulative saving reaches the
        cumulative cost; None if not reached in the period.
    break_even_early, break_even_late : int or None
        The same at the top and at the bottom of the saving's interval.
    estimator : str
    ratio_method : str
        Which rate ratio the estimate rests on.
    alpha : float
    """

    first_month: int
    protected_household_months: float
    protected_burglaries: int
    ratio: float
    ratio_low: float
    ratio_high: float
    prevented: float
    prevented_low: float
    prevented_high: float
    cost_per_burglary: float
    saving: float
    saving_low: float
    saving_high: float
    cost: float
    net: float
    cumulative_prevented: np.ndarray
    cumulative_saving: np.ndarray
    cumulative_cost: np.ndarray
    break_even_month: int | None
    break_even_early: int | None
    break_even_late: int | None
    estimator: str
    ratio_method: str
    alpha: float

    @property
    def months(self) -> int:
        return len(self.cumulative_cost)


def _floats(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if not np.isfinite(array).all() or (array < 0).any():
        raise ValueError(f"{name} must hold finite amounts of 0 or more")
    return array


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be a count of 0 or more, got {value!r}")
    return int(value)


def _prevented(n_p, n_u, t_p, t_u, ratio, low, high, alpha) -> tuple[float, float, float, str]:
    if t_p <= 0:
        return 0.0, 0.0, 0.0, ESTIMATOR
    if n_p == 0:
        if t_u <= 0:
            return math.nan, math.nan, math.nan, ESTIMATOR_NO_PROTECTED
        scale = t_p / t_u
        u_low, u_high = poisson_interval(n_u, alpha=alpha)
        return n_u * scale, u_low * scale, u_high * scale, ESTIMATOR_NO_PROTECTED
    if not ratio > 0 or not math.isfinite(ratio):
        return math.nan, math.nan, math.nan, ESTIMATOR
    with np.errstate(divide="ignore"):
        prevented_low = n_p / high - n_p if high > 0 else math.nan
        prevented_high = n_p / low - n_p if low > 0 else math.inf
    return n_p / ratio - n_p, prevented_low, prevented_high, ESTIMATOR


def _break_even(saving: np.ndarray, cost: np.ndarray) -> int | None:
    reached = np.flatnonzero((cost > 0) & (saving >= cost))
    return int(reached[0]) if len(reached) else None


def programme_savings(
    protected_exposure,
    monthly_cost,
    *,
    protected_burglaries: int,
    unprotected_burglaries: int,
    unprotected_exposure: float,
    ratio: float,
    ratio_low: float,
    ratio_high: float,
    cost_per_burglary: float,
    first_month: int = 0,
    opening_cost: float = 0.0,
    ratio_method: str = "as given",
    alpha: float = 0.05,
) -> ProgrammeSavings:
    """Burglaries prevented, savings against cost by month, and the break-even month.

    Parameters
    ----------
    protected_exposure : array_like of float
        ``(M,)`` protected household-months in each month of the period.
    monthly_cost : array_like of float
        ``(M,)`` the programme's spending in each month (pounds).
    protected_burglaries, unprotected_burglaries : int
        ``n_p`` and ``n_u`` over the period.
    unprotected_exposure : float
        ``T_u``, unprotected household-months over the period.
    ratio, ratio_low, ratio_high : float
        Rate ratio of protected to unprotected homes and its interval
        (the Mantel-Haenszel ratio over months, say).
    cost_per_burglary : float
        Pounds per burglary prevented.
    first_month : int
        Month index of the first month (for ``break_even_month``).
    opening_cost : float
        Spending before the period (homes fitted earlier still protect).
    ratio_method : str
        What the ratio is, for the report.
    alpha : float
        Level of the interval used when ``n_p`` is 0.

    Returns
    -------
    ProgrammeSavings

    Notes
    -----
    See the module docstring for the estimator. The monthly split puts the
    period's rate difference on each month's protected household-months.

    Examples
    --------
    >>> found = programme_savings([100.0, 100.0], [50.0, 0.0], protected_burglaries=4,
    ...     unprotected_burglaries=20, unprotected_exposure=200.0, ratio=0.2,
    ...     ratio_low=0.06, ratio_high=0.6, cost_per_burglary=10.0)
    >>> found.prevented, found.cumulative_saving.tolist(), found.break_even_month
    (16.0, [80.0, 160.0], 0)
    """
    exposure = _floats(protected_exposure, "protected_exposure")
    spend = _floats(monthly_cost, "monthly_cost")
    if len(exposure) != len(spend):
        raise ValueError(
            f"protected_exposure and monthly_cost differ in length: {len(exposure)}, {len(spend)}"
        )
    n_p = _count(protected_burglaries, "protected_burglaries")
    n_u = _count(unprotected_burglaries, "unprotected_burglaries")
    for value, name in ((cost_per_burglary, "cost_per_burglary"), (opening_cost, "opening_cost")):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
            raise ValueError(f"{name} must be an amount of 0 or more, got {value!r}")
    t_p, t_u = float(exposure.sum()), float(unprotected_exposure)
    prevented, low, high, estimator = _prevented(
        n_p, n_u, t_p, t_u, float(ratio), float(ratio_low), float(ratio_high), alpha
    )
    share = np.cumsum(exposure) / t_p if t_p > 0 else np.zeros(len(exposure))
    cumulative_cost = float(opening_cost) + np.cumsum(spend)
    price = float(cost_per_burglary)
    cumulative = share * prevented if math.isfinite(prevented) else share * math.nan
    saving = cumulative * price
    return ProgrammeSavings(
        first_month=int(first_month),
        protected_household_months=t_p,
        protected_burglaries=n_p,
        ratio=float(ratio),
        ratio_low=float(ratio_low),
        ratio_high=float(ratio_high),
        prevented=prevented,
        prevented_low=low,
        prevented_high=high,
        cost_per_burglary=price,
        saving=prevented * price,
        saving_low=low * price,
        saving_high=high * price,
        cost=float(cumulative_cost[-1]) if len(spend) else float(opening_cost),
        net=prevented * price - (float(cumulative_cost[-1]) if len(spend) else opening_cost),
        cumulative_prevented=cumulative,
        cumulative_saving=saving,
        cumulative_cost=cumulative_cost,
        break_even_month=_at(first_month, _break_even(saving, cumulative_cost)),
        break_even_early=_at(first_month, _break_even(share * high * price, cumulative_cost)),
        break_even_late=_at(first_month, _break_even(share * low * price, cumulative_cost)),
        estimator=estimator,
        ratio_method=ratio_method,
        alpha=float(alpha),
    )


def _at(first: int, step: int | None) -> int | None:
    return None if step is None else int(first) + step


def savings_of_programme(
    programme: HomesProgramme,
    monthly_cost,
    *,
    cost_per_burglary: float,
    opening_cost: float = 0.0,
    stratified: bool = True,
) -> ProgrammeSavings:
    """``programme_savings`` on a ``homes_programme`` result.

    ``stratified`` (the default) uses the Mantel-Haenszel ratio over months
    (and areas), which keeps trend and season out of the comparison; else
    the crude exact ratio.
    """
    if stratified and math.isfinite(programme.stratified.ratio):
        ratio = programme.stratified
        values = ratio.ratio, ratio.ci_low, ratio.ci_high
        method = f"Mantel-Haenszel rate ratio over {ratio.strata}"
    else:
        crude = programme.rate_ratio
        values = crude.ratio, crude.ci_low, crude.ci_high
        method = "exact conditional rate ratio, all months pooled"
    return programme_savings(
        programme.protected_by_month,
        monthly_cost,
        protected_burglaries=programme.protected.burglaries,
        unprotected_burglaries=programme.unprotected.burglaries,
        unprotected_exposure=programme.unprotected.household_months,
        ratio=values[0],
        ratio_low=values[1],
        ratio_high=values[2],
        cost_per_burglary=cost_per_burglary,
        first_month=programme.first_month,
        opening_cost=opening_cost,
        ratio_method=method,
        alpha=programme.alpha,
    )
