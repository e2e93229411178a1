"""Home-security programmes: burglary per 1,000 households, worked by hand."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from citysafe.analysis.evaluation import homes_programme, poisson_interval

M0 = 2003 * 12 + 3  # April 2003, as in Mansfield


def four_homes(**extra):
    # home 0 fitted in month 2, home 1 never, home 2 from the start, home 3 after the period
    installed = np.array([M0 + 2, -1, M0, M0 + 5])
    household = np.array([0, 0, 1, 2, 3, -1])
    month = np.array([M0, M0 + 3, M0 + 1, M0 + 1, M0 + 4, M0])
    return homes_programme(installed, household, month, first_month=M0, last_month=M0 + 3, **extra)


def test_rates_by_hand():
    result = four_homes(force_households=100, force_burglaries=8)
    # household-months: protected 2 (home 0) + 4 (home 2); unprotected 2 + 4 + 4
    assert result.protected.household_months == 6 and result.unprotected.household_months == 10
    assert (result.protected.burglaries, result.unprotected.burglaries) == (2, 2)
    assert result.months == 4 and result.households == 4 and result.installed == 2
    # per 1,000 households over the four months: 2 / 1.5 and 2 / 2.5 households
    assert_allclose(result.protected.rate, 2 / 1.5 * 1000)
    assert_allclose(result.unprotected.rate, 2 / 2.5 * 1000)
    assert_allclose(result.programme.rate, 4 / 4 * 1000)
    low, high = poisson_interval(2)
    assert_allclose(
        (result.protected.ci_low, result.protected.ci_high), (low / 1.5 * 1000, high / 1.5 * 1000)
    )
    assert_allclose(result.force.rate, 80.0)
    assert_allclose(result.force.ci_high, poisson_interval(8)[1] * 10)


def test_protected_against_unprotected_by_hand():
    result = four_homes()
    assert_allclose(result.rate_ratio.ratio, (2 / 6) / (2 / 10))
    ci = stats.binomtest(2, 4).proportion_ci(method="exact")
    scale = 10 / 6
    assert_allclose(
        (result.rate_ratio.ci_low, result.rate_ratio.ci_high),
        (ci.low / (1 - ci.low) * scale, ci.high / (1 - ci.high) * scale),
    )
    # month by month: cases (protected, unprotected) and homes (protected of 4):
    # April (0, 1) 1; May (1, 1) 1; June (0, 0) 2; July (1, 0) 2
    numerator = 1 * 3 / 4 + 1 * 2 / 4
    denominator = 1 * 1 / 4 + 1 * 1 / 4
    assert_allclose(result.stratified.ratio, numerator / denominator)
    assert result.stratified.strata == "month"
    assert result.share_protected == 0.5
    share = stats.binomtest(2, 4).proportion_ci(method="exact")
    assert_allclose((result.share_ci_low, result.share_ci_high), (share.low, share.high))
    assert result.force is None


def test_no_burglaries_and_no_homes():
    quiet = homes_programme([M0, -1], [], [], first_month=M0, last_month=M0 + 5)
    assert quiet.protected.rate == 0 and quiet.protected.ci_low == 0
    assert math.isnan(quiet.rate_ratio.ratio) and math.isnan(quiet.share_protected)
    nobody = homes_programme([], [], [], first_month=M0, last_month=M0)
    assert nobody.households == 0 and math.isnan(nobody.programme.rate)
    nothing_fitted = homes_programme([-1, -1], [0], [M0], first_month=M0, last_month=M0)
    assert nothing_fitted.protected.household_months == 0
    assert "no exposure" in nothing_fitted.rate_ratio.method


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="burglary_household must be -1 or a home below 1"):
        homes_programme([M0], [1], [M0], first_month=M0, last_month=M0)
    with pytest.raises(ValueError, match="last_month .* is before first_month"):
        homes_programme([M0], [0], [M0], first_month=M0, last_month=M0 - 1)
    with pytest.raises(TypeError, match="installed_month must be a 1-D array of integers"):
        homes_programme([1.5], [0], [M0], first_month=M0, last_month=M0)
    with pytest.raises(ValueError, match="give both force_households and force_burglaries"):
        homes_programme([M0], [0], [M0], first_month=M0, last_month=M0, force_households=10)
