"""The demo city's planted effects are recovered; placebo schemes with no effect are covered.

The demo generator plants (``citysafe.demo.effects``): violence at map points within
50 m of the 35 Safe Haven venues multiplied by 0.60 from month 19 on, and by 0.85
within 50-200 m; each home's burglary risk multiplied by 0.45 from its alarm's month.
"""

import numpy as np
import pytest

from citysafe.analysis.costbenefit import cost_benefit
from citysafe.analysis.evaluation import ALL_CRIME, crime_table, evaluate, homes_programme
from citysafe.analysis.rings import nearest_site
from citysafe.crime.vocabulary import NAME_BY_CODE
from citysafe.demo import effects
from citysafe.demo.generator import generate_city

VIOLENCE = effects.HAVEN_CRIME_TYPE
BASE = 2022 * 12 - 1  # demo month 1 is 2022-01


@pytest.fixture(scope="module")
def city():
    return generate_city(1)


@pytest.fixture(scope="module")
def crimes(city):
    return crime_table(
        city.points[["x", "y"]].to_numpy(),
        city.crimes.point,
        city.crimes.month.astype(np.int64) + BASE,
        city.crimes.crime_type,
        type_names=NAME_BY_CODE,
        months_present=np.arange(1, 37) + BASE,
    )


@pytest.fixture(scope="module")
def havens(city, crimes):
    return evaluate(
        crimes,
        sites=city.venues[["x", "y"]].to_numpy(),
        starts=city.venues["joined_month"].to_numpy() + BASE,
        permutations=999,
        seed=20240601,
    )


def test_safe_haven_halo_is_inside_the_inner_ring_interval(havens):
    inner = havens.rings[0].by_type[VIOLENCE]
    relative = inner.relative
    assert relative.ci_low < effects.HAVEN_INNER_FACTOR < relative.ci_high
    assert relative.ci_high < 1  # and the reduction is significant
    assert relative.p_value < 0.001
    assert inner.did.fitted and inner.did.ci_low < effects.HAVEN_INNER_FACTOR < inner.did.ci_high
    assert havens.rings[0].points > 0 and inner.before > 300


def test_outer_halo_and_beyond(havens):
    for ring in havens.rings[1:3]:  # 50-100 m and 100-200 m: planted 0.85
        relative = ring.by_type[VIOLENCE].relative
        assert relative.ci_low < effects.HAVEN_OUTER_FACTOR < relative.ci_high
    beyond = havens.rings[3].by_type[VIOLENCE].relative  # 200-400 m: nothing planted
    assert beyond.ci_low < 1 < beyond.ci_high


def test_placebo_ranks_the_halo_first(havens):
    test = havens.placebo.by_type[VIOLENCE]
    assert test.p_sim == pytest.approx(1 / 1000) and test.direction == "lower"
    assert test.observed < test.low
    # types with nothing planted are not flagged
    for name in ("Anti-social behaviour", "Shoplifting", "Burglary"):
        assert havens.placebo.by_type[name].p_value > 0.05


def test_no_displacement_planted_shows_as_diffusion_or_none(havens):
    first_buffer = havens.displacement[0].by_type[VIOLENCE]
    assert first_buffer.warning is None and first_buffer.wdq > 0  # the 0.85 halo: diffusion
    assert first_buffer.net_effect > 0


def test_cost_benefit_of_the_havens(havens):
    result = cost_benefit(
        havens,
        setup_cost=35 * 1500.0,
        running_cost_per_year=10_000.0,
        months_since_start=12,
        seed=1,
    )
    violence = result.by_type[VIOLENCE]
    inner = havens.rings[0].by_type[VIOLENCE]
    a, b, c, d = inner.tables[0]
    assert violence.prevented == pytest.approx(a * d / c - b)
    assert violence.prevented_low > 0 and violence.status == "unverified"
    assert result.saving_low < result.saving < result.saving_high
    assert "Violence with injury" in result.unverified


def test_protected_homes_rate_ratio_is_inside_its_interval(city):
    homes = city.households
    members = np.flatnonzero(homes["neighbourhood"].to_numpy() >= 0)
    position = np.full(len(homes), -1)
    position[members] = np.arange(len(members))
    fitted = homes["installed_month"].to_numpy()[members]
    installed = np.where(fitted > 0, fitted + BASE, -1)
    burglary = city.crimes.household >= 0
    first, last = effects.INSTALL_START_MONTH + BASE, 36 + BASE
    force = (city.crimes.crime_type == 3) & (city.crimes.month + BASE >= first)
    result = homes_programme(
        installed,
        position[city.crimes.household[burglary]],
        city.crimes.month[burglary].astype(np.int64) + BASE,
        first_month=first,
        last_month=last,
        force_households=len(homes),
        force_burglaries=int(force.sum()),
        stratum=homes["neighbourhood"].to_numpy()[members],
    )
    ratio = effects.PROTECTED_RATE_RATIO
    assert result.rate_ratio.ci_low < ratio < result.rate_ratio.ci_high
    assert result.stratified.ci_low < ratio < result.stratified.ci_high
    assert result.protected.rate < result.unprotected.rate
    assert result.households == 5460 and result.installed > 2000


def test_placebo_schemes_with_no_effect_cover_no_change(city, crimes):
    """100 seeded schemes of 35 random sites away from every planted effect."""
    points = crimes.point_xy
    from_havens, _ = nearest_site(points, city.venues[["x", "y"]].to_numpy())
    homes = city.households
    programme = homes.loc[homes["neighbourhood"] >= 0, ["x", "y"]].to_numpy()
    from_homes, _ = nearest_site(points, programme)
    candidates = np.flatnonzero((from_havens > 600) & (from_homes > 600))
    rng = np.random.default_rng(100)
    exact = model = 0
    for _ in range(100):
        sites = points[rng.choice(candidates, 35, replace=False)]
        start = int(rng.integers(13, 26)) + BASE  # whole 12-month windows inside the data
        ev = evaluate(crimes, sites=sites, starts=start, types=[], permutations=0)
        inner = ev.rings[0].by_type[ALL_CRIME]
        exact += inner.relative.ci_low <= 1 <= inner.relative.ci_high
        model += inner.did.ci_low <= 1 <= inner.did.ci_high
    print(f"coverage of no change, inner ring, all crime: exact {exact}/100, model {model}/100")
    assert exact >= 90 and model >= 90
