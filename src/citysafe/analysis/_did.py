"""Difference-in-differences on monthly counts: Poisson, or negative binomial when overdispersed.

The model, fitted with statsmodels' GLM, has one row per unit (treated ring,
control) and counted month, stacked over strata (start months):

    log E[y] = unit-by-stratum effect + month-by-stratum effect + delta * treated * after

``exp(delta)`` is the ratio of rate ratios. With Poisson errors and these fixed
effects its estimate equals the 2 x 2 table's ``(b / a) / (d / c)``; what the
model adds is a test of month-to-month overdispersion and, when there is
some, standard errors that allow for it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

__all__ = ["DiDModel", "did_model"]

DISPERSION_LEVEL = 0.05  # Pearson chi-squared test of Poisson dispersion


@dataclass(frozen=True)
class DiDModel:
    """A difference-in-differences count model and why it was chosen.

    Attributes
    ----------
    fitted : bool
        False when the effect cannot be estimated (a window with no crimes).
    family : str
        ``"Poisson"`` or ``"negative binomial (NB2)"``; ``"none"`` when not fitted.
    reason : str
        Why that family (or why no model), in words.
    ratio, ci_low, ci_high, p_value : float
        ``exp(delta)``, its Wald interval and p-value of no effect.
    log_ratio, se : float
        ``delta`` and its standard error.
    dispersion : float
        Pearson chi-squared over residual degrees of freedom of the Poisson fit.
    dispersion_p : float
        Upper-tail p-value of that chi-squared (small: overdispersed).
    nb_alpha : float or None
        The negative binomial's alpha (variance ``mu + alpha mu^2``), if used.
    observations, parameters : int
    standard_errors : str
    """

    fitted: bool
    family: str
    reason: str
    ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    log_ratio: float
    se: float
    dispersion: float
    dispersion_p: float
    nb_alpha: float | None
    observations: int
    parameters: int
    standard_errors: str


_SE_NOTE = (
    "model-based; not cluster-robust, since two units (ring and control) make only two "
    "clusters, too few for a sandwich estimator"
)


def _not_fitted(reason: str, observations: int) -> DiDModel:
    nan = math.nan
    return DiDModel(
        fitted=False,
        family="none",
        reason=reason,
        ratio=nan,
        ci_low=nan,
        ci_high=nan,
        p_value=nan,
        log_ratio=nan,
        se=nan,
        dispersion=nan,
        dispersion_p=nan,
        nb_alpha=None,
        observations=observations,
        parameters=0,
        standard_errors="",
    )


def _design(treated, control, after, stratum) -> tuple[np.ndarray, np.ndarray]:
    """Counts and the dummy design: unit x stratum, month x stratum, treated x after."""
    n = len(treated)
    strata = np.unique(stratum)
    g = np.searchsorted(strata, stratum)
    y = np.r_[treated, control].astype(float)
    unit = np.r_[np.zeros(n, int), np.ones(n, int)]
    rows = np.arange(2 * n)
    units = np.zeros((2 * n, 2 * len(strata)))
    units[rows, 2 * np.r_[g, g] + unit] = 1.0
    # a month effect for every month of a stratum but its first (the unit effects hold the level)
    first = np.r_[True, g[1:] != g[:-1]]
    month_col = np.cumsum(~first) - 1
    months = np.zeros((2 * n, int((~first).sum())))
    rest = np.r_[~first, ~first]
    months[rows[rest], np.r_[month_col, month_col][rest]] = 1.0
    effect = np.r_[after, np.zeros(n, bool)].astype(float)[:, None]
    return y, np.hstack([units, months, effect])


def did_model(treated, control, after, stratum=None, *, alpha: float = 0.05) -> DiDModel:
    """Fit the difference-in-differences count model to monthly counts.

    Parameters
    ----------
    treated, control : array_like of int
        Counts per month (one entry per counted month of each stratum).
    after : array_like of bool
        Whether each month is after the start.
    stratum : array_like of int, optional
        Start month (or any label) of each entry; entries of a stratum must be
        contiguous and in month order. One stratum by default.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DiDModel

    Notes
    -----
    The Poisson fit comes first. Its Pearson chi-squared over residual
    degrees of freedom measures dispersion (1 for Poisson counts); when the
    chi-squared test rejects equidispersion at the 5% level the model is
    refitted as a negative binomial (NB2, variance ``mu + alpha mu^2``) whose
    alpha is the moment estimator: the value at which the negative binomial
    fit's own Pearson chi-squared equals its residual degrees of freedom
    (Breslow 1984), in two steps: solved on the Poisson fit's means, then once
    more on the negative binomial's (the means barely move). Maximum
    likelihood for alpha is unstable with this many fixed effects on two
    units. Standard errors are
    model-based (see ``standard_errors``). References: Cameron and Trivedi
    (2013), Regression Analysis of Count Data, ch. 3; Wing, Simon and
    Bello-Gomez (2018) on difference-in-differences.
    """
    import statsmodels.api as sm  # deferred: statsmodels takes a second to import

    treated = np.asarray(treated, dtype=float)
    control = np.asarray(control, dtype=float)
    after = np.asarray(after, dtype=bool)
    stratum = np.zeros(len(treated), int) if stratum is None else np.asarray(stratum)
    n = len(treated)
    if not (control.shape == after.shape == stratum.shape == treated.shape) or treated.ndim != 1:
        raise ValueError("treated, control, after and stratum must be 1-D of equal length")
    cells = (
        treated[~after].sum(),
        treated[after].sum(),
        control[~after].sum(),
        control[after].sum(),
    )
    if min(cells) <= 0:
        return _not_fitted(
            "not estimable: a window of the ring or of the control has no crimes, so the "
            "model's effect is infinite; see the exact interval instead",
            2 * n,
        )
    y, x = _design(treated, control, after, stratum)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        poisson = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    df = float(poisson.df_resid)
    if df <= 0:
        return _summary(
            poisson,
            "Poisson",
            "Poisson: too few months to assess overdispersion",
            math.nan,
            math.nan,
            None,
            alpha,
        )
    dispersion = float(poisson.pearson_chi2) / df
    dispersion_p = float(stats.chi2.sf(poisson.pearson_chi2, df))
    stated = f"Pearson chi2/df = {dispersion:.2f} (p = {dispersion_p:.3g})"
    if dispersion_p >= DISPERSION_LEVEL:
        reason = f"Poisson: {stated}, no evidence of overdispersion"
        return _summary(poisson, "Poisson", reason, dispersion, dispersion_p, None, alpha)
    nb_alpha, negbin = _negative_binomial(sm, y, x, poisson)
    if negbin is None:
        reason = f"Poisson: {stated} is overdispersed but no negative binomial alpha fits"
        return _summary(poisson, "Poisson", reason, dispersion, dispersion_p, None, alpha)
    reason = (
        f"negative binomial: {stated}, overdispersed at the 5% level; NB2 with alpha = "
        f"{nb_alpha:.3g} by the Pearson moment estimator"
    )
    return _summary(
        negbin, "negative binomial (NB2)", reason, dispersion, dispersion_p, nb_alpha, alpha
    )


def _negative_binomial(sm, y, x, poisson, iterations: int = 2):
    """NB2 fit with alpha solving Pearson chi2 = residual df; (None, None) if none does."""
    df = float(poisson.df_resid)
    fit, nb_alpha = poisson, None
    for _ in range(iterations):
        mu = fit.fittedvalues

        def excess(a, mu=mu):
            return float(((y - mu) ** 2 / (mu + a * mu**2)).sum()) - df

        if excess(0.0) <= 0:
            return nb_alpha, (fit if nb_alpha is not None else None)
        new = optimize.brentq(excess, 0.0, 1e6, xtol=1e-12, rtol=1e-10) if excess(1e6) < 0 else None
        if new is None:
            return None, None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            family = sm.families.NegativeBinomial(alpha=new)
            fit = sm.GLM(y, x, family=family).fit(start_params=fit.params)
        converged = nb_alpha is not None and abs(new - nb_alpha) <= 1e-3 * nb_alpha
        nb_alpha = new
        if converged:
            break
    return nb_alpha, fit


def _summary(result, family, reason, dispersion, dispersion_p, nb_alpha, alpha) -> DiDModel:
    delta, se = float(result.params[-1]), float(result.bse[-1])
    z = stats.norm.ppf(1 - alpha / 2)
    return DiDModel(
        fitted=True,
        family=family,
        reason=reason,
        ratio=math.exp(delta),
        ci_low=math.exp(delta - z * se),
        ci_high=math.exp(delta + z * se),
        p_value=float(2 * stats.norm.sf(abs(delta) / se)),
        log_ratio=delta,
        se=se,
        dispersion=dispersion,
        dispersion_p=dispersion_p,
        nb_alpha=nb_alpha,
        observations=int(result.nobs),
        parameters=int(result.df_model) + 1,
        standard_errors=_SE_NOTE,
    )
