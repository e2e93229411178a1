"""The cocoon queue: the window (default or analysed), partner reports, moves, and the queue."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from citysafe.analysis.nearrepeat import NearRepeat
from citysafe.crime.service import ingest_paths
from citysafe.geo import to_bng, to_wgs84
from citysafe.homes import cocoon_window, service
from citysafe.homes.models import Job
from citysafe.homes.models_requests import CocoonMove, ReportedBurglary
from tests.crime.factory import crime_id, csv_bytes, row

ON = date(2024, 3, 10)


def table(p_sim, ratio=None) -> NearRepeat:
    p_sim = np.array(p_sim, dtype=float)
    ratio = np.full(p_sim.shape, 2.0) if ratio is None else np.array(ratio, dtype=float)
    return NearRepeat(
        space_bands=(100.0, 200.0, 300.0)[: p_sim.shape[0]],
        time_bands=(7, 14, 21)[: p_sim.shape[1]],
        unit="days",
        metric="euclidean",
        n=10,
        observed=np.zeros(p_sim.shape, dtype=np.int64),
        expected=np.ones(p_sim.shape),
        ratio=ratio,
        p_sim=p_sim,
        permutations=99,
        seed=1,
    )


def test_the_window_runs_from_the_nearest_band_while_bands_stay_significant():
    assert cocoon_window.window_bands(
        table([[0.01, 0.02, 0.5], [0.03, 0.4, 0.01], [0.5, 0.5, 0.5]])
    ) == (
        1,
        1,
    )
    # a lone significant band far out does not stretch the window
    assert cocoon_window.window_bands(
        table([[0.01, 0.5, 0.01], [0.5, 0.5, 0.5], [0.01, 0.5, 0.5]])
    ) == (
        0,
        0,
    )
    assert cocoon_window.window_bands(table([[0.2, 0.01], [0.01, 0.01]])) is None
    # significant fewer pairs than expected (ratio below 1) is no window
    assert cocoon_window.window_bands(table([[0.01]], ratio=[[0.5]])) is None


def test_with_no_analysis_the_window_is_the_default(session):
    window = service.cocoon_window(session)
    assert (window.distance_m, window.days, window.analysed) == (200.0, 28, False)
    assert window.source == "default (no near-repeat analysis has run)"
    assert window.label == "200 m / 28 days (default)"


def store_reports(session, x, y, days, start=date(2023, 1, 1)):
    lon, lat = to_wgs84(np.asarray(x, float), np.asarray(y, float))
    session.add_all(
        ReportedBurglary(
            occurred_on=start + timedelta(days=int(d)),
            longitude=float(a),
            latitude=float(b),
            easting=float(e),
            northing=float(n),
            entered_by="test",
            entered_at=ON,
        )
        for a, b, e, n, d in zip(lon, lat, x, y, days, strict=True)
    )
    session.flush()


def test_the_analysis_finds_a_planted_near_repeat_window(session, actor):
    rng = np.random.default_rng(8)
    x, y = 333_000 + rng.uniform(0, 5000, 400), 389_000 + rng.uniform(0, 5000, 400)
    days = rng.integers(0, 365, 400)
    # a repeat within 180 m and 12 days of a quarter of them
    angle, far = rng.uniform(0, 2 * np.pi, 100), rng.uniform(0, 180, 100)
    store_reports(
        session,
        np.concatenate([x, x[:100] + far * np.cos(angle)]),
        np.concatenate([y, y[:100] + far * np.sin(angle)]),
        np.concatenate([days, days[:100] + rng.integers(0, 13, 100)]),
    )
    found = service.analyse_window(session, actor=actor, source="reports")
    assert found.found and found.burglaries == 500 and found.unit == "days"
    assert (found.window.distance_m, found.window.days) == (200.0, 14)
    assert (
        found.window.source.startswith("near-repeat analysis on ")
        and "significant up to over 100 to 200 m and 8 to 14 days" in found.window.source
    )
    assert found.table.window()[:2, :2].all() and not found.table.window()[2:, 0].any()
    stored = service.cocoon_window(session)
    assert stored == found.window and stored.label == "200 m / 14 days (near-repeat analysis)"


def test_random_burglaries_give_no_window_and_the_default_is_stored(session, actor):
    rng = np.random.default_rng(3)
    store_reports(
        session,
        333_000 + rng.uniform(0, 5000, 500),
        389_000 + rng.uniform(0, 5000, 500),
        rng.integers(0, 365, 500),
    )
    found = service.analyse_window(session, actor=actor, source="reports")
    assert not found.found and not found.table.window()[0, 0]
    window = service.cocoon_window(session)
    assert (window.distance_m, window.days, window.analysed) == (200.0, 28, False)
    assert window.source.startswith("default: the near-repeat analysis on ")
    assert "500 burglaries reported by the police partner found no significant window" in (
        window.source
    )


def test_no_burglaries_give_the_default_and_bad_settings_are_refused(session, actor):
    found = service.analyse_window(session, actor=actor)
    assert (found.found, found.burglaries) == (False, 0)
    assert found.table.observed.sum() == 0
    with pytest.raises(service.HomesError, match="source must be one of"):
        service.analyse_window(session, actor=actor, source="rumour")
    with pytest.raises(service.HomesError, match="space_bands"):
        service.analyse_window(session, actor=actor, space_bands=[200, 100])


def ingest_burglaries(engine, tmp_path, crimes):
    """police.uk files of burglaries: (month, lon, lat) each."""
    by_month: dict[str, list] = {}
    for n, (month, lon, lat) in enumerate(crimes, start=1):
        by_month.setdefault(month, []).append(
            row(crime_id(n), month=month, lon=f"{lon:.6f}", lat=f"{lat:.6f}")
        )
    for month, rows in by_month.items():
        path = tmp_path / "crimes" / month / f"{month}-merseyside-street.csv"
        path.parent.mkdir(parents=True)
        path.write_bytes(csv_bytes(rows))
    ingest_paths(engine, [tmp_path / "crimes"])


def test_the_analysis_of_police_uk_months_gives_the_window_in_days(engine, tmp_path, actor):
    rng = np.random.default_rng(5)
    x, y = 333_000 + rng.uniform(0, 5000, 300), 389_000 + rng.uniform(0, 5000, 300)
    months = rng.integers(0, 24, 300)
    # a repeat 40 m away in the same month for a third of them
    x, y = np.concatenate([x, x[:100] + 40.0]), np.concatenate([y, y[:100]])
    months = np.concatenate([months, months[:100]])
    lon, lat = to_wgs84(x, y)
    labels = [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in months]
    ingest_burglaries(engine, tmp_path, list(zip(labels, lon, lat, strict=True)))
    from citysafe import db

    with db.session_scope(engine) as session:
        found = service.analyse_window(session, actor=actor)
        assert found.found and found.unit == "months" and found.burglaries == 400
        assert (found.window.distance_m, found.window.days) == (100.0, 31)
        assert "0 to 100 m and same month" in found.window.source
        assert "400 police.uk burglaries (by month and map point)" in found.window.source


def test_a_partner_report_is_checked_and_stored(session, target, actor):
    found = service.report_burglary(
        session, occurred_on=date(2024, 3, 2), lon=-2.985, lat=53.405, actor=actor
    )
    x, y = to_bng(np.array([-2.985]), np.array([53.405]))
    assert found.easting == pytest.approx(float(x[0])) and found.entered_by == "system"
    bad = [
        ({"occurred_on": date.today() + timedelta(days=1)}, "is in the future"),
        ({"occurred_on": "2024-03-02"}, "a date is needed"),
        ({"lon": 53.405, "lat": -2.985}, "not in Great Britain"),
        ({"lon": -2.90}, "is outside the partnership's area"),
        ({"lat": float("inf")}, "lat: not a number"),
        ({"household_id": 999}, "no household 999"),
    ]
    for fields, message in bad:
        values = {"occurred_on": date(2024, 3, 2), "lon": -2.985, "lat": 53.405, **fields}
        with pytest.raises(service.HomesError, match=message):
            service.report_burglary(session, actor=actor, **values)


@pytest.fixture
def many_homes(session, target, csv_file, actor):
    """2,000 households across Granby, three installed, and two outside it (one with a job)."""
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(-2.99, -2.98, 2000), rng.uniform(53.40, 53.41, 2000)
    rows = [
        f"{i} Test Road,L8 1AA,,{a:.6f},{b:.6f},,,owner"
        for i, (a, b) in enumerate(zip(lon, lat, strict=True))
    ]
    rows += [
        "1 Edge Lane,L7 1AA,,-2.9795,53.405,,,owner",
        "2 Edge Lane,L7 1AA,,-2.9795,53.4052,,,owner",
    ]
    service.import_households(session, csv_file(*rows))
    homes = {h.address: h for h in service.households(session)}
    service.stock_catalogue(session)
    team = service.add_team(session, name="T", members=["A", "B"])
    for slot, address in enumerate(("0 Test Road", "1 Test Road", "2 Test Road"), start=1):
        job = service.request_job(session, household_id=homes[address].id, actor=actor)
        service.book_job(
            session, job_id=job.id, team_id=team.id, day=date(2024, 1, 8), slot=slot, actor=actor
        )
        service.install_job(
            session,
            job_id=job.id,
            items=[service.ItemFitted("alarm")],
            installed_on=date(2024, 1, 8),
            actor=actor,
        )
    service.request_job(session, household_id=homes["1 Edge Lane"].id, actor=actor)
    return homes


def test_the_cocoon_moves_exactly_the_unprotected_eligible_homes_within_the_distance(
    session, many_homes, actor
):
    homes = many_homes
    reports = [
        service.report_burglary(session, occurred_on=d, lon=a, lat=b, actor=actor)
        for d, a, b in [
            (date(2024, 3, 2), -2.985, 53.405),
            (date(2024, 2, 20), -2.9893, 53.4012),
            (date(2024, 3, 9), -2.9805, 53.4051),  # near the Edge Lane homes
            (date(2024, 1, 20), -2.983, 53.407),  # its window closed on 2024-02-17
        ]
    ]
    run = service.apply_cocoon(session, on=ON, actor=actor)
    assert run.burglaries == 3 and run.window.distance_m == 200.0
    installed = {homes[f"{i} Test Road"].id for i in range(3)}
    eligible = [
        h
        for h in homes.values()
        if h.id not in installed and (h.target_area_id is not None or h.address == "1 Edge Lane")
    ]
    expected = {}
    for report in reports[:3]:
        for home in eligible:
            metres = np.hypot(home.easting - report.easting, home.northing - report.northing)
            if metres <= 200.0:
                expected[(home.id, str(report.id))] = metres
    got = {(m.household_id, m.burglary_ref): m.distance_m for m in run.moves}
    assert set(got) == set(expected) and len(got) > 50
    assert np.allclose([got[k] for k in expected], [expected[k] for k in expected])
    moved = {m.household_id for m in run.moves}
    assert homes["1 Edge Lane"].id in moved and homes["2 Edge Lane"].id not in moved
    assert not moved & installed
    assert {m.until for m in run.moves if m.burglary_ref == str(reports[0].id)} == {
        date(2024, 3, 30)
    }
    # a job for each moved home in a target area without one, at standard priority
    jobs = session.scalars(select(Job).where(Job.id.in_(run.jobs_requested))).all()
    assert {j.household_id for j in jobs} == moved - {homes["1 Edge Lane"].id}
    assert {(j.priority, j.priority_reason) for j in jobs} == {(4, "in target area Granby")}

    again = service.apply_cocoon(session, on=ON, actor=actor)
    assert (again.moves, again.already, again.jobs_requested) == ([], len(got), [])
    assert len(session.scalars(select(CocoonMove)).all()) == len(got)


def test_a_move_raises_an_open_job_in_the_queue_until_its_window_ends(session, granby_homes, actor):
    standard = service.request_job(
        session,
        household_id=granby_homes["2 Granby Street"].id,
        actor=actor,
        requested_on=date(2024, 1, 5),
    )
    early = service.request_job(
        session,
        household_id=granby_homes["5 Edge Lane"].id,
        actor=actor,
        requested_on=date(2024, 1, 2),
    )
    declined = service.request_job(
        session, household_id=granby_homes["1 Granby Street"].id, actor=actor
    )
    service.change_status(session, job_id=declined.id, status="declined", actor=actor)
    # 2 Granby Street is about 66 m east of the burglary, 1 Granby Street on it
    service.report_burglary(
        session, occurred_on=date(2024, 3, 2), lon=-2.985, lat=53.405, actor=actor
    )
    run = service.apply_cocoon(session, on=ON, actor=actor)
    moved = {m.household_id: m for m in run.moves}
    assert set(moved) == {granby_homes["1 Granby Street"].id, granby_homes["2 Granby Street"].id}
    assert run.jobs_requested == []  # one home has an open job, the other declined
    reason = moved[standard.household_id].reason
    assert reason == (
        "burglary 66 m away on 2024-03-02 (police report); "
        "near-repeat window 200 m / 28 days (default)"
    )
    queue = service.queue(session, on=ON)
    assert [(e.job_id, e.effective_priority, e.priority) for e in queue] == [
        (standard.id, 2, 4),
        (early.id, 4, 4),
    ]
    assert queue[0].reason == reason + "; raised until 2024-03-30"
    assert queue[0].cocoon_until == date(2024, 3, 30)
    after = service.queue(session, on=date(2024, 3, 31))
    assert [(e.job_id, e.effective_priority, e.cocoon_until) for e in after] == [
        (early.id, 4, None),
        (standard.id, 4, None),
    ]


def test_a_police_uk_burglary_is_dated_on_its_month_s_last_day(engine, tmp_path, csv_file, actor):
    # the crime store takes its own write lock, so the crimes go in before the homes
    ingest_burglaries(engine, tmp_path, [("2024-02", -2.9842, 53.4051)])
    from citysafe import db

    with db.session_scope(engine) as session:
        add_granby(session, tmp_path)
        service.import_households(
            session, csv_file("2 Granby Street,L8 2TX,,-2.984,53.405,,,council")
        )
        home = service.households(session)[0]
        assert service.apply_cocoon(session, on=date(2024, 2, 28), actor=actor).burglaries == 0
        run = service.apply_cocoon(session, on=ON, actor=actor)
        assert run.burglaries == 1 and [m.household_id for m in run.moves] == [home.id]
        move = run.moves[0]
        assert (move.source, move.burglary_ref, move.burglary_on, move.until) == (
            "police.uk",
            crime_id(1),
            date(2024, 2, 29),
            date(2024, 3, 28),
        )
        assert "in 2024-02 (police.uk: dated 2024-02-29, the month's last day" in move.reason
        assert "the distance is approximate" in move.reason
        assert service.apply_cocoon(session, on=date(2024, 3, 29), actor=actor).burglaries == 0
        # ``since`` leaves out burglaries before it
        later = service.apply_cocoon(session, on=ON, since=date(2024, 3, 1), actor=actor)
        assert later.burglaries == 0


def add_granby(session, tmp_path):
    import json

    from citysafe.areas import service as areas
    from tests.homes.conftest import SQUARE

    path = tmp_path / "wards.geojson"
    feature = {
        "type": "Feature",
        "properties": {"code": "W1", "name": "Granby"},
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    areas.import_boundaries(session, path, kind="ward", code_field="code", name_field="name")
    service.add_target_area(session, name="Granby", area_kind="ward", area_code="W1")


@pytest.fixture
def cli_env(database_url, engine, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_request_report_cocoon_and_queue_from_the_command_line(engine, tmp_path, cli_env):
    import json

    from typer.testing import CliRunner

    from citysafe import db
    from citysafe.cli import app

    with db.session_scope(engine) as session:
        add_granby(session, tmp_path)
        path = tmp_path / "homes.csv"
        path.write_text(
            "address,postcode,lon,lat,tenure\n"
            "1 Granby Street,L8 2TX,-2.985,53.405,owner\n"
            "2 Granby Street,L8 2TX,-2.984,53.405,council\n"
        )
        service.import_households(session, path)
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, ["homes", *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    contact = ["--name", "Pat", "--phone", "0151 496 0000", "--postcode", "L8 2TX"]
    made = run("request", *contact, "--address", "1 Granby Street", "--json")
    assert (made["status"], made["priority"], made["reason"]) == (
        "accepted",
        4,
        "in target area Granby",
    )
    bad = runner.invoke(
        app, ["homes", "request", *contact[:4], "--address", "x", "--postcode", "L"]
    )
    assert bad.exit_code == 2 and "postcode" in bad.output
    report = run(
        "report-burglary", "--date", "2024-03-02", "--lon", "-2.985", "--lat", "53.405", "--json"
    )
    moved = run("cocoon", "--on", "2024-03-10", "--json")
    assert moved["window"]["source"] == "default (no near-repeat analysis has run)"
    assert {m["burglary_ref"] for m in moved["moves"]} == {str(report["id"])}
    assert len(moved["moves"]) == 2 and len(moved["jobs_requested"]) == 1
    queue = run("queue", "--on", "2024-03-10", "--json")
    assert [(e["effective_priority"], e["cocoon_until"]) for e in queue] == [
        (2, "2024-03-30"),
        (2, "2024-03-30"),
    ]
    # the cocoon's job was requested on 2024-03-10, the resident's today: the earlier first
    assert [e["job_id"] for e in queue] == [*moved["jobs_requested"], made["job_id"]]
    analysed = run("cocoon", "--analyse", "--source", "reports", "--on", "2024-03-10", "--json")
    assert analysed["analysis"]["found"] is False and analysed["already"] == 2
    late = runner.invoke(app, ["homes", "queue", "--on", "10/03/2024"])
    assert late.exit_code == 2 and "is not a date" in late.output
