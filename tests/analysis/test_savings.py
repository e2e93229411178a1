"""Savings of a home-security programme: the estimator against planted effects, and the edges."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from citysafe.analysis._coverage import programme_coverage
from citysafe.analysis._homes import homes_programme
from citysafe.analysis._savings import (
    ESTIMATOR_NO_PROTECTED,
    programme_savings,
    savings_of_programme,
)


def simulate(seed: int, *, homes=4000, months=36, rate=0.002, ratio=0.45, trend=-0.01):
    """Homes fitted at a steady pace; burglary at ``rate`` a month, times ``ratio`` once fitted.

    Returns the homes' install months, the burglaries (home, month) and the
    expected burglaries prevented: the truth the estimate must cover.
    """
    rng = np.random.default_rng(seed)
    installed = rng.integers(0, int(months * 1.4), homes)  # some fitted after the period: never
    installed[installed >= months] = -1
    area = rng.integers(0, 4, homes)
    level = np.array([0.6, 0.9, 1.2, 1.5])[area]  # areas differ in risk
    month = np.arange(months)
    base = rate * level[:, None] * np.exp(trend * month)[None, :]
    protected = (installed[:, None] >= 0) & (installed[:, None] <= month[None, :])
    counts = rng.poisson(np.where(protected, base * ratio, base))
    home, when = np.nonzero(counts)
    repeat = counts[home, when]
    truth = float((base * (1 - ratio))[protected].sum())
    return installed, area, np.repeat(home, repeat), np.repeat(when, repeat), truth


def test_prevented_recovers_a_planted_reduction_and_its_interval_covers_it():
    covered, relative = 0, []
    for seed in range(60):
        installed, area, home, when, truth = simulate(seed)
        programme = homes_programme(
            installed, home, when, first_month=0, last_month=35, stratum=area
        )
        found = savings_of_programme(programme, np.zeros(36), cost_per_burglary=2300.0)
        covered += found.prevented_low <= truth <= found.prevented_high
        relative.append(found.prevented / truth - 1)
    assert covered >= 54  # 95% nominal, conservative when protection works: at least 90% here
    assert abs(np.mean(relative)) < 0.08  # about unbiased (-2.7% over 200 seeds)
    assert np.std(relative) < 0.35


def test_no_effect_gives_prevention_near_zero():
    estimates = []
    for seed in range(30):
        installed, area, home, when, _ = simulate(seed, ratio=1.0)
        programme = homes_programme(
            installed, home, when, first_month=0, last_month=35, stratum=area
        )
        found = savings_of_programme(programme, np.zeros(36), cost_per_burglary=1.0)
        estimates.append(found.prevented)
        assert found.prevented_low < found.prevented_high
    truth_scale = 0.002 * 4000 * 36 * 0.3  # rough protected burglaries: estimates sit near 0
    assert abs(np.mean(estimates)) < 0.1 * truth_scale


def test_the_hand_worked_example():
    # 4 burglaries over 200 protected household-months, RR 0.2: 16 prevented
    found = programme_savings(
        [100.0, 100.0],
        [50.0, 0.0],
        protected_burglaries=4,
        unprotected_burglaries=20,
        unprotected_exposure=200.0,
        ratio=0.2,
        ratio_low=0.05,
        ratio_high=0.8,
        cost_per_burglary=10.0,
        first_month=100,
    )
    assert_allclose([found.prevented, found.prevented_low, found.prevented_high], [16, 1, 76])
    assert_allclose(found.cumulative_prevented, [8, 16])
    assert_allclose(found.cumulative_saving, [80, 160])
    assert_allclose(found.cumulative_cost, [50, 50])
    assert (found.saving, found.cost, found.net) == (160.0, 50.0, 110.0)
    assert found.break_even_month == 100  # 80 >= 50 in the first month
    assert found.break_even_late is None  # 5 then 10 at the low end: never reaches 50
    assert found.break_even_early == 100


def test_break_even_waits_for_savings_to_catch_up_with_an_opening_cost():
    found = programme_savings(
        np.full(12, 50.0),
        np.full(12, 10.0),
        protected_burglaries=6,
        unprotected_burglaries=60,
        unprotected_exposure=1200.0,
        ratio=0.2,
        ratio_low=0.1,
        ratio_high=0.4,
        cost_per_burglary=100.0,
        opening_cost=500.0,
    )
    # 24 prevented over 12 equal months: saving 200 a month against 500 + 10 a month
    assert_allclose(found.cumulative_saving[:4], [200, 400, 600, 800])
    assert found.break_even_month == 2
    assert found.cumulative_cost[0] == 510.0


def test_no_burglary_in_protected_homes_uses_the_unprotected_rate():
    found = programme_savings(
        [30.0, 30.0],
        [0.0, 0.0],
        protected_burglaries=0,
        unprotected_burglaries=12,
        unprotected_exposure=120.0,
        ratio=0.0,
        ratio_low=0.0,
        ratio_high=0.5,
        cost_per_burglary=1.0,
    )
    assert found.estimator == ESTIMATOR_NO_PROTECTED
    assert_allclose(found.prevented, 6.0)  # 12 / 120 * 60
    assert found.prevented_low < 6.0 < found.prevented_high
    assert found.break_even_month is None  # no cost, nothing to break even against


def test_nothing_protected_prevents_nothing():
    found = programme_savings(
        np.zeros(3),
        [5.0, 0.0, 0.0],
        protected_burglaries=0,
        unprotected_burglaries=9,
        unprotected_exposure=300.0,
        ratio=math.nan,
        ratio_low=math.nan,
        ratio_high=math.nan,
        cost_per_burglary=2300.0,
    )
    assert (found.prevented, found.saving, found.net) == (0.0, 0.0, -5.0)
    assert found.break_even_month is None


def test_bad_input_is_named():
    good = dict(
        protected_burglaries=1,
        unprotected_burglaries=1,
        unprotected_exposure=1.0,
        ratio=1.0,
        ratio_low=0.1,
        ratio_high=10.0,
        cost_per_burglary=1.0,
    )
    with pytest.raises(ValueError, match="differ in length"):
        programme_savings([1.0], [1.0, 2.0], **good)
    with pytest.raises(ValueError, match="monthly_cost"):
        programme_savings([1.0], [-1.0], **good)
    with pytest.raises(ValueError, match="cost_per_burglary"):
        programme_savings([1.0], [1.0], **{**good, "cost_per_burglary": -5})
    with pytest.raises(ValueError, match="protected_burglaries"):
        programme_savings([1.0], [1.0], **{**good, "protected_burglaries": 1.5})


def test_protected_household_months_by_month_come_with_the_programme():
    programme = homes_programme([0, 2, -1], [], [], first_month=0, last_month=3)
    assert programme.protected_by_month == (1.0, 1.0, 2.0, 2.0)
    assert sum(programme.protected_by_month) == programme.protected.household_months


def test_coverage_by_area_and_month():
    found = programme_coverage(
        [5, 7, -1, 9, 20, 6], [1, 1, 1, 2, 2, 3], first_month=6, last_month=9
    )
    assert found.areas.tolist() == [1, 2, 3]
    assert found.households.tolist() == [3, 2, 1]
    # the install in month 5 counts from the period's start; month 20 is after it
    assert found.protected.tolist() == [[1, 0, 1], [2, 0, 1], [2, 0, 1], [2, 1, 1]]
    assert found.total_protected.tolist() == [2, 3, 3, 4]
    assert_allclose(found.total_coverage, [2 / 6, 3 / 6, 3 / 6, 4 / 6])
    assert_allclose(found.coverage[-1], [2 / 3, 1 / 2, 1])


def test_coverage_of_no_homes_is_empty_not_an_error():
    found = programme_coverage([], [], first_month=0, last_month=2)
    assert found.protected.shape == (3, 0) and found.total_protected.tolist() == [0, 0, 0]
    assert np.isnan(found.total_coverage).all()
    with pytest.raises(ValueError, match="before first_month"):
        programme_coverage([], [], first_month=3, last_month=2)
    with pytest.raises(TypeError, match="installed_month"):
        programme_coverage([0.5], [1], first_month=0, last_month=2)
