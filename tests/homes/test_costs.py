"""Costs: what the programme paid per home, resident-paid items apart, and a burglary's value."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from typer.testing import CliRunner

from citysafe.audit.service import SYSTEM
from citysafe.homes import service
from citysafe.homes.cli import app
from citysafe.homes.costs import SEED_COST, programme_costs
from citysafe.homes.months import month_index

runner = CliRunner()


def fit(session, team, home, day, items, actor):
    """Request, book and install a job at ``home`` on ``day``."""
    job = service.request_job(session, household_id=home.id, actor=actor)
    service.book_job(session, job_id=job.id, team_id=team.id, day=day, slot=1, actor=actor)
    service.install_job(session, job_id=job.id, items=items, installed_on=day, actor=actor)


@pytest.fixture
def fitted(session, target, csv_file, actor):
    """Three homes in Granby (two fitted, one with resident-paid detectors), one fitted outside."""
    service.import_households(
        session,
        csv_file(
            "1 Granby Street,L8 2TX,,-2.985,53.405,,,owner",
            "2 Granby Street,L8 2TX,,-2.984,53.405,,,council",
            "3 Granby Street,L8 2TX,,-2.983,53.405,,,council",
            "9 Far Road,L1 1AA,,-2.90,53.40,,,owner",
        ),
    )
    service.stock_catalogue(session)
    inside = service.households(session, target_area_id=target.id)
    [outside] = service.households(session, outside=True)
    plan = [
        (inside[0], date(2024, 3, 4), [service.ItemFitted("alarm")]),
        (
            inside[1],
            date(2024, 5, 9),
            [
                service.ItemFitted("alarm"),
                service.ItemFitted("window lock", quantity=4),
                service.ItemFitted("detector", quantity=2, resident_pays=True),
            ],
        ),
        (outside, date(2024, 4, 1), [service.ItemFitted("alarm")]),
    ]
    team = service.add_team(session, name="Fitters", members=["A", "B"])
    for home, day, items in plan:
        fit(session, team, home, day, items, actor)
    return session


def test_cost_per_home_counts_what_the_programme_paid_for_its_homes(fitted):
    found = programme_costs(
        fitted, first_month=month_index("2024-01"), last_month=month_index("2024-06")
    )
    # alarm 110; alarm 110 + 4 window locks at 4.50; detectors (2 x 12) paid by the resident
    assert found.total == 110 + 110 + 18
    assert found.protected_homes == 2 and found.households == 3
    assert found.cost_per_home == pytest.approx(119.0)
    assert found.cost_per_household == pytest.approx(238 / 3)
    assert found.resident_paid == 24.0
    assert (found.outside_target_homes, found.outside_target_cost) == (1, 110.0)
    assert found.monthly == (0.0, 0.0, 110.0, 0.0, 128.0, 0.0)
    items = {i.code: (i.quantity, i.programme_cost, i.resident_cost) for i in found.by_item}
    assert items["detector"] == (2, 0.0, 24.0) and items["window lock"] == (4, 18.0, 0.0)
    assert found.as_dict()["monthly"]["2024-05"] == 128.0


def test_installs_before_the_period_open_it_and_after_it_are_left_out(fitted):
    found = programme_costs(
        fitted, first_month=month_index("2024-04"), last_month=month_index("2024-04")
    )
    assert (found.before_period, found.monthly, found.total) == (110.0, (0.0,), 110.0)
    assert found.protected_homes == 1
    none = programme_costs(
        fitted, first_month=month_index("2023-01"), last_month=month_index("2023-12")
    )
    assert none.total == 0.0 and none.protected_homes == 0 and math.isnan(none.cost_per_home)
    assert none.as_dict()["cost_per_home"] is None


def test_outcomes_carry_costs_and_savings(fitted):
    found = service.programme_outcomes(fitted, first="2024-01", last="2024-06")
    figures = found.as_dict()
    # the contract's figures lead the full report: the three Granby homes, two fitted by June
    assert (figures["households"], figures["protected"], figures["coverage_pct"]) == (3, 2, 66.67)
    assert figures["costs"]["cost_per_home"] == 119.0
    savings = figures["savings"]
    assert savings["cost_per_burglary"]["amount"] == SEED_COST
    assert "seed 003" in savings["cost_per_burglary"]["reference"]
    assert [m["cumulative_cost"] for m in savings["by_month"]] == [0, 0, 110, 110, 238, 238]
    # no burglary data: nothing prevented, so break-even is not reached
    assert savings["break_even_month"] is None
    assert savings["break_even_note"] == "not reached in the period"
    assert figures["share_protected"]["share"] is None


def test_the_cost_of_a_burglary_comes_from_the_settings_or_the_unit_costs(session):
    assert service.burglary_cost(session).amount == SEED_COST
    service.set_programme(session, actor=SYSTEM, force_households=1000.0, cost_per_burglary=3100.0)
    setting = service.burglary_cost(session)
    assert setting.amount == 3100.0 and "settings" in setting.reference
    heeks = service.burglary_cost(session, "unit-costs")
    assert heeks.amount == 5930.0 and "Heeks" in heeks.reference
    assert "non-residential" in heeks.reference  # police.uk's Burglary: the assumption named
    with pytest.raises(service.HomesError, match="settings or unit-costs"):
        service.burglary_cost(session, "guess")


def test_settings_command_keeps_what_it_is_not_told(engine, database_url, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    try:
        shown = json.loads(runner.invoke(app, ["settings", "--json"]).stdout)
        assert shown == {"force_households": None, "cost_per_burglary": 2300.0}
        result = runner.invoke(app, ["settings", "--force-households", "650000"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["settings", "--cost-per-burglary", "5930", "--json"])
        assert json.loads(result.stdout) == {
            "force_households": 650000.0,
            "cost_per_burglary": 5930.0,
        }
        bad = runner.invoke(app, ["settings", "--cost-per-burglary", "-1"])
        assert bad.exit_code == 2 and "cannot be negative" in bad.output
    finally:
        get_settings.cache_clear()
