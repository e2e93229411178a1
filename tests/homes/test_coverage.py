"""Coverage by target area and month, and its chart."""

from __future__ import annotations

from datetime import date

from citysafe.homes import service


def fit(session, team, home, day, items, actor):
    """Request, book and install a job at ``home`` on ``day``."""
    job = service.request_job(session, household_id=home.id, actor=actor)
    service.book_job(session, job_id=job.id, team_id=team.id, day=day, slot=1, actor=actor)
    service.install_job(session, job_id=job.id, items=items, installed_on=day, actor=actor)


def test_coverage_moves_in_the_month_of_the_install(session, target, csv_file, actor):
    service.import_households(
        session,
        csv_file(
            "1 Granby Street,L8 2TX,,-2.985,53.405,,,owner",
            "2 Granby Street,L8 2TX,,-2.984,53.405,,,council",
            "3 Granby Street,L8 2TX,,-2.983,53.405,,,council",
            "4 Granby Street,L8 2TX,,-2.982,53.405,,,owner",
            "9 Far Road,L1 1AA,,-2.90,53.40,,,owner",
        ),
    )
    service.stock_catalogue(session)
    homes = service.households(session, target_area_id=target.id)
    team = service.add_team(session, name="Fitters", members=["A", "B"])
    alarm, light = [service.ItemFitted("alarm")], [service.ItemFitted("light")]
    fit(session, team, homes[0], date(2024, 2, 28), alarm, actor)
    fit(session, team, homes[1], date(2024, 4, 1), alarm, actor)
    # a second install at a fitted home does not count it twice
    fit(session, team, homes[0], date(2024, 3, 15), light, actor)
    series = service.coverage_by_month(session, first="2024-01", last="2024-05")
    figures = series.as_dict()
    assert figures["months"] == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    [granby] = figures["areas"]
    assert (granby["name"], granby["households"]) == ("Granby", 4)  # Far Road is outside
    assert granby["protected"] == [0, 1, 1, 2, 2]
    assert granby["coverage_pct"] == [0.0, 25.0, 25.0, 50.0, 50.0]
    assert figures["overall"]["coverage_pct"] == granby["coverage_pct"]
    # the period's end agrees with the outcomes' coverage
    found = service.programme_outcomes(session, first="2024-01", last="2024-05").contract()
    assert found["coverage_pct"] == figures["overall"]["coverage_pct"][-1]
    svg = service.coverage_chart(series)
    assert svg.startswith("<svg") and "Granby" in svg
    png = service.coverage_chart(series, fmt="png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_empty_target_area_is_listed_with_no_coverage(session, target):
    series = service.coverage_by_month(session, first="2024-01", last="2024-02")
    [granby] = series.as_dict()["areas"]
    assert granby["households"] == 0 and granby["coverage_pct"] == [None, None]
    assert series.overall.coverage_pct == [None, None]
