"""Cost-benefit: crimes prevented net of the control, valued and set against costs, by hand."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats.contingency import odds_ratio

from citysafe.analysis.costbenefit import (
    TYPE_CATEGORIES,
    UnitCost,
    UnitCosts,
    cost_benefit,
    load_unit_costs,
)
from citysafe.analysis.evaluation import ALL_CRIME, crime_table, evaluate

NAMES = {1: "Anti-social behaviour", 3: "Burglary", 14: "Violence and sexual offences"}
START = 2020 * 12  # January 2020


def unit_costs(**status):
    figures = {
        "Violence with injury": 10_000.0,
        "Violence without injury": 5_000.0,
        "Rape": 30_000.0,
        "Other sexual offences": 6_000.0,
        "Domestic burglary": 4_000.0,
    }
    rows = {
        name: UnitCost(name, cost, "2015/16", status.get(name, "verified"), "test")
        for name, cost in figures.items()
    }
    return UnitCosts(rows, "test table")


@pytest.fixture(scope="module")
def scheme():
    """A site at P0 and a control at P1: violence 40 -> 20, burglary 10 -> 5, ASB 30 -> 30."""
    counts = {  # (point, code): (before, after)
        (0, 14): (40, 20),
        (0, 3): (10, 5),
        (0, 1): (30, 30),
        (1, 14): (1000, 1000),
        (1, 3): (500, 500),
        (1, 1): (800, 800),
    }
    point, month, kind = [], [], []
    for (p, code), (before, after) in counts.items():
        for n, when in ((before, START - 6), (after, START + 6)):
            point += [p] * n
            month += [when] * n
            kind += [code] * n
    crimes = crime_table(
        [[0, 0], [5000, 0]],
        point,
        month,
        kind,
        type_names=NAMES,
        months_present=np.arange(START - 12, START + 12),
    )
    return evaluate(crimes, sites=[[0, 0]], starts=START, permutations=0, did=False)


def test_savings_and_costs_by_hand(scheme):
    costs = unit_costs(**{"Domestic burglary": "unverified"})
    result = cost_benefit(
        scheme,
        costs,
        setup_cost=100_000,
        running_cost_per_year=60_000,
        months_since_start=24,
        seed=1,
    )
    violence, burglary = result.by_type["Violence and sexual offences"], result.by_type["Burglary"]
    assert_allclose((violence.prevented, burglary.prevented), (20.0, 5.0))
    # 40% x 10,000 + 50% x 5,000 + 4% x 30,000 + 6% x 6,000
    assert_allclose(violence.unit_cost, 8060.0)
    assert violence.status == "verified" and burglary.status == "unverified"
    # 12 after months measured, 24 since the start: twice the window's prevention
    assert result.window_months == 12
    assert_allclose(violence.saving, 20 * 2 * 8060)
    assert_allclose(burglary.saving, 5 * 2 * 4000)
    assert_allclose(result.saving, 322_400 + 40_000)
    assert_allclose(result.cost, 100_000 + 2 * 60_000)
    assert_allclose(result.return_per_pound, 362_400 / 220_000)
    # 15,100 a month saved against 5,000 running: 100,000 set-up repaid in month 10
    assert result.break_even_month == 10
    assert result.unverified == ("Domestic burglary",)
    assert result.unvalued == ("Anti-social behaviour",)
    asb = result.by_type["Anti-social behaviour"]
    assert asb.unit_cost is None and asb.saving is None and asb.prevented == 0
    assert result.all_crime.prevented == pytest.approx(25.0)
    assert any("UNVERIFIED" in note and "Domestic burglary" in note for note in result.notes)


def test_prevented_interval_maps_the_exact_ratio_interval(scheme):
    result = cost_benefit(
        scheme, unit_costs(), setup_cost=0, running_cost_per_year=0, months_since_start=12
    )
    violence = result.by_type["Violence and sexual offences"]
    interval = odds_ratio([[20, 40], [1000, 1000]], kind="conditional").confidence_interval()
    assert_allclose(
        (violence.prevented_low, violence.prevented_high),
        (20 / interval.high - 20, 20 / interval.low - 20),
        rtol=1e-6,
    )
    assert_allclose(
        (violence.saving_low, violence.saving_high),
        (violence.prevented_low * 8060, violence.prevented_high * 8060),
    )
    assert math.isnan(result.return_per_pound)  # no cost at all
    assert result.break_even_month == 1


def test_bootstrap_interval_brackets_the_total_and_uplift_scales(scheme):
    plain = cost_benefit(
        scheme,
        unit_costs(),
        setup_cost=50_000,
        running_cost_per_year=0,
        months_since_start=12,
        seed=3,
    )
    assert plain.saving_low < plain.saving < plain.saving_high
    again = cost_benefit(
        scheme,
        unit_costs(),
        setup_cost=50_000,
        running_cost_per_year=0,
        months_since_start=12,
        seed=3,
    )
    assert (again.saving_low, again.saving_high) == (plain.saving_low, plain.saving_high)
    uplifted = cost_benefit(
        scheme,
        unit_costs(),
        setup_cost=50_000,
        running_cost_per_year=0,
        months_since_start=12,
        seed=3,
        uplift=1.25,
    )
    assert_allclose(uplifted.saving, 1.25 * plain.saving)
    assert_allclose(uplifted.by_type["Burglary"].unit_cost, 5000.0)
    assert any("times 1.25" in note for note in uplifted.notes)


def test_never_breaks_even_when_running_costs_exceed_savings(scheme):
    result = cost_benefit(
        scheme, unit_costs(), setup_cost=1_000, running_cost_per_year=10**8, months_since_start=12
    )
    assert result.break_even_month is None and result.net < 0


def test_shipped_table_is_all_unverified_and_covers_the_mapping():
    table = load_unit_costs()
    assert "Heeks" in table.reference and "Table 1" in table.reference
    assert all(row.status == "unverified" for row in table.rows.values())
    assert all(row.price_year == "2015/16" for row in table.rows.values())
    for mix, _basis in TYPE_CATEGORIES.values():
        assert all(category in table.rows for category, _ in mix)
        assert sum(share for _, share in mix) == pytest.approx(1.0)
    assert table.rows["Violence with injury"].cost == 14_050


def test_default_table_flags_every_figure(scheme):
    result = cost_benefit(scheme, setup_cost=0, running_cost_per_year=1000, months_since_start=6)
    assert result.by_type["Burglary"].status == "unverified"
    assert "assumption" in result.by_type["Burglary"].basis
    assert set(result.unverified) >= {"Domestic burglary", "Violence with injury"}
    assert result.all_crime.crime_type == ALL_CRIME


def test_bad_table_rows_are_named(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text("category,unit_cost_gbp,price_year,status,source\nRobbery,10,2015/16,maybe,x\n")
    with pytest.raises(ValueError, match=r"costs.csv, row 2, field status"):
        load_unit_costs(path)
    path.write_text(
        "category,unit_cost_gbp,price_year,status,source\nRobbery,ten,2015/16,verified,x\n"
    )
    with pytest.raises(ValueError, match=r"row 2, field unit_cost_gbp"):
        load_unit_costs(path)


def test_bad_arguments_are_named(scheme):
    with pytest.raises(TypeError, match="evaluation must be an Evaluation"):
        cost_benefit({}, setup_cost=0, running_cost_per_year=0, months_since_start=1)
    with pytest.raises(ValueError, match="setup_cost must be a finite amount of 0 or more"):
        cost_benefit(scheme, setup_cost=-1, running_cost_per_year=0, months_since_start=1)
    with pytest.raises(ValueError, match="months_since_start must be at least 1"):
        cost_benefit(scheme, setup_cost=0, running_cost_per_year=0, months_since_start=0)
    with pytest.raises(ValueError, match="rings must be 1 to 4"):
        cost_benefit(scheme, setup_cost=0, running_cost_per_year=0, months_since_start=1, rings=5)
