"""Outcomes: the scripts' contract, links by address or map point, the demo's planted effect."""

from __future__ import annotations

import json
from datetime import date

import pytest
from scipy import stats
from typer.testing import CliRunner

from citysafe import db
from citysafe.demo.effects import PROTECTED_RATE_RATIO
from citysafe.demo.generator import generate_city
from citysafe.demo.service import build_demo
from citysafe.homes import service
from citysafe.homes.cli import app
from citysafe.homes.demo import load_demo
from citysafe.homes.models import BurglaryLink
from citysafe.homes.outcomes import LINK_ADDRESS, LINK_MAP_POINT
from citysafe.schemes import homes as scheme_homes

runner = CliRunner()


@pytest.fixture
def cli_env(database_url, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_outcomes_with_no_data_ask_for_a_period(session):
    with pytest.raises(service.HomesError, match="give --from and --to"):
        service.programme_outcomes(session)
    found = service.programme_outcomes(session, first="2024-01", last="2024-06")
    assert found.contract() == {
        "households": 0,
        "protected": 0,
        "coverage_pct": 0.0,
        "burglary_per_1000": {"protected": None, "unprotected": None, "force_area": None},
    }
    with pytest.raises(service.HomesError, match="a month is YYYY-MM"):
        service.programme_outcomes(session, first="2024-13", last="2024-06")


def test_coverage_counts_installs_by_the_period_end(session, target, csv_file, actor):
    service.import_households(
        session,
        csv_file(
            "1 Granby Street,L8 2TX,,-2.985,53.405,,,owner",
            "2 Granby Street,L8 2TX,,-2.984,53.405,,,council",
            "9 Far Road,L1 1AA,,-2.90,53.40,,,owner",
        ),
    )
    service.stock_catalogue(session)
    home = service.households(session, target_area_id=target.id)[0]
    job = service.request_job(session, household_id=home.id, actor=actor)
    team = service.add_team(session, name="T", members=["A", "B"])
    service.book_job(
        session, job_id=job.id, team_id=team.id, day=date(2024, 3, 4), slot=1, actor=actor
    )
    service.install_job(
        session,
        job_id=job.id,
        items=[service.ItemFitted("alarm")],
        installed_on=date(2024, 3, 4),
        actor=actor,
    )
    before = service.programme_outcomes(session, first="2024-01", last="2024-02").contract()
    after = service.programme_outcomes(session, first="2024-01", last="2024-06").contract()
    assert (before["households"], before["protected"], before["coverage_pct"]) == (2, 0, 0.0)
    assert (after["protected"], after["coverage_pct"]) == (1, 50.0)


@pytest.fixture(scope="module")
def demo_city():
    return generate_city(1)


def test_the_demo_programme_recovers_the_planted_protection(engine, cli_env, demo_city):
    build_demo(engine, seed=1)
    with db.session_scope(engine) as session:
        loaded = load_demo(session, demo_city)
    assert loaded.households == 5460 and loaded.target_areas == 5
    with db.session_scope(engine) as session:
        found = service.programme_outcomes(session)
        outside = service.households(session, outside=True)
    assert found.link == LINK_ADDRESS and not outside
    ratio = found.programme.rate_ratio
    assert ratio.ci_low < 0.45 < ratio.ci_high < 1.0  # the planted protection
    check_share_costs_and_savings(found)
    result = runner.invoke(app, ["outcomes", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert set(figures) == {"households", "protected", "coverage_pct", "burglary_per_1000"}
    assert set(figures["burglary_per_1000"]) == {"protected", "unprotected", "force_area"}
    assert figures["households"] == 5460 and figures["protected"] == loaded.installed
    rates = figures["burglary_per_1000"]
    assert rates["protected"] < rates["unprotected"] and rates["force_area"] > 0
    # a chosen period: fewer homes fitted by its end
    early = json.loads(runner.invoke(app, ["outcomes", "--json", "--to", found.first]).stdout)
    assert 0 < early["protected"] < figures["protected"]
    full = json.loads(runner.invoke(app, ["outcomes", "--full-json"]).stdout)
    assert {k: full[k] for k in figures} == figures
    assert full["savings"]["break_even_note"] == "not reached in the period"
    heeks = json.loads(
        runner.invoke(app, ["outcomes", "--full-json", "--cost-basis", "unit-costs"]).stdout
    )
    assert heeks["savings"]["cost_per_burglary"]["amount"] == 5930.0
    assert heeks["savings"]["prevented"] == full["savings"]["prevented"]
    words = runner.invoke(app, ["outcomes"])
    assert words.exit_code == 0 and "break-even: not reached in the period" in words.stdout
    assert "per protected home" in words.stdout
    bad = runner.invoke(app, ["outcomes", "--json", "--from", "2024-1"])
    assert bad.exit_code == 2 and "a month is YYYY-MM" in bad.output
    with db.session_scope(engine) as session:
        evidence, meta = scheme_homes.programme_outcomes(session)
    assert meta["households_source"] == "homes_households" and evidence.households == 5460
    assert meta["force_households"] == len(demo_city.households)
    # without the partner's addresses: by nearest map point, said so, and seeded
    with db.session_scope(engine) as session:
        session.query(BurglaryLink).delete()
    with db.session_scope(engine) as session:
        by_point = service.programme_outcomes(session, seed=4)
        again = service.programme_outcomes(session, seed=4)
    assert by_point.link == LINK_MAP_POINT and "approximate" in by_point.link
    assert by_point.programme.programme.burglaries > 0
    assert by_point.contract() == again.contract()


def check_share_costs_and_savings(found):
    """The demo's share of burglaries in protected homes, cost per home, savings and coverage."""
    result, figures = found.programme, found.as_dict()
    # the share: an exact binomial interval, as scipy computes it
    n_p, n = result.protected.burglaries, result.programme.burglaries
    share = figures["share_protected"]
    exact = stats.binomtest(n_p, n).proportion_ci(method="exact")
    assert (share["burglaries"], share["of"]) == (n_p, n)
    assert share["ci_low"] == pytest.approx(exact.low, abs=1e-6)
    assert share["ci_high"] == pytest.approx(exact.high, abs=1e-6)
    # protected homes took fewer burglaries than their share of the household-months
    exposure = result.protected.household_months / result.programme.household_months
    assert share["ci_high"] < exposure
    # under the planted ratio, the protected homes' burglaries had they been unprotected
    planted = n_p / PROTECTED_RATE_RATIO - n_p
    savings = found.savings
    assert savings.ratio_low < PROTECTED_RATE_RATIO < savings.ratio_high
    assert savings.prevented_low < planted < savings.prevented_high
    assert savings.saving == pytest.approx(savings.prevented * 2300.0)
    assert savings.cumulative_prevented[-1] == pytest.approx(savings.prevented)
    # the demo fits an alarm (£110) and a marking kit (£9) at every fitted home
    costs = figures["costs"]
    assert costs["cost_per_home"] == 119.0 and costs["protected_homes"] == found.protected
    assert costs["total"] == pytest.approx(119.0 * found.protected)
    assert savings.cumulative_cost[-1] == pytest.approx(costs["total"])
    # not repaid within two years at £2,300 a burglary (the seed expected about five)
    assert savings.break_even_month is None and savings.saving < savings.cost
