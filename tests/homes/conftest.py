"""Fixtures of the home-security programme: a square target area and a way to write CSVs."""

from __future__ import annotations

import json

import pytest

from citysafe import db
from citysafe.areas import service as areas
from citysafe.audit.service import SYSTEM

# a square of about 700 m around central Liverpool, in WGS84
SQUARE = [[-2.99, 53.40], [-2.98, 53.40], [-2.98, 53.41], [-2.99, 53.41], [-2.99, 53.40]]
HEADER = "address,postcode,uprn,lon,lat,x,y,tenure\n"


@pytest.fixture
def actor():
    return SYSTEM


@pytest.fixture
def session(engine):
    with db.session_scope(engine) as session:
        yield session


@pytest.fixture
def target(session, tmp_path):
    """One target area, "Granby", from an imported ward boundary."""
    path = tmp_path / "wards.geojson"
    feature = {
        "type": "Feature",
        "properties": {"code": "W1", "name": "Granby"},
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    areas.import_boundaries(session, path, kind="ward", code_field="code", name_field="name")
    from citysafe.homes import service

    return service.add_target_area(session, name="Granby", area_kind="ward", area_code="W1")


@pytest.fixture
def csv_file(tmp_path):
    def write(*rows: str, name: str = "homes.csv", header: str = HEADER):
        path = tmp_path / name
        path.write_text(header + "".join(r + "\n" for r in rows))
        return path

    return write


@pytest.fixture
def agency(session):
    """A referring agency: the voluntary sector's victim service."""
    from citysafe.accounts import service as accounts

    return accounts.ensure_agency(session, "Victim Support", "voluntary sector")


@pytest.fixture
def granby_homes(session, target, csv_file):
    """Two households in Granby and one near it but outside (within the partnership's area)."""
    from citysafe.homes import service

    service.import_households(
        session,
        csv_file(
            "1 Granby Street,L8 2TX,100000000001,-2.985,53.405,,,owner",
            "2 Granby Street,L8 2TX,,-2.984,53.405,,,council",
            "5 Edge Lane,L7 1AA,,-2.975,53.405,,,private rented",
        ),
    )
    return {h.address: h for h in service.households(session)}


def make_granby(engine, folder) -> int:
    """The Granby target area from an imported ward boundary, committed; returns its id."""
    path = folder / "granby-ward.geojson"
    feature = {
        "type": "Feature",
        "properties": {"code": "W1", "name": "Granby"},
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    from citysafe.homes import service

    with db.session_scope(engine) as opened:
        areas.import_boundaries(opened, path, kind="ward", code_field="code", name_field="name")
        return service.add_target_area(opened, name="Granby", area_kind="ward", area_code="W1").id


@pytest.fixture
def granby(engine, tmp_path):
    """The Granby target area, committed, for tests that go through the web app."""
    return make_granby(engine, tmp_path)


@pytest.fixture
def homes_at(session, csv_file):
    """Make households at British National Grid points; returns their ids in the order given."""
    import itertools

    from citysafe.homes import service
    from citysafe.homes.models import Household

    numbers = itertools.count(1)

    def make(*points: tuple[float, float]) -> list[int]:
        batch = next(numbers)
        rows = [f"{batch}-{i} Test Road,L8 1AA,,,,{x},{y},owner" for i, (x, y) in enumerate(points)]
        service.import_households(session, csv_file(*rows, name=f"points-{batch}.csv"))
        by_address = {h.address: h.id for h in session.query(Household)}
        return [by_address[f"{batch}-{i} Test Road"] for i in range(len(points))]

    return make


@pytest.fixture
def job_at_status(session, homes_at, actor):
    """Make a job that has reached a status (requested, scheduled, visited, installed...)."""
    import itertools
    from datetime import date, timedelta

    from citysafe.homes import service

    team = service.add_team(session, name="Fixture van", members=["Flo", "Gus"])
    service.stock_catalogue(session)
    booking = itertools.count()

    def make(status: str = "installed", requested_on: date = date(2024, 5, 1)) -> int:
        (home,) = homes_at((334600.0, 390250.0))
        job = service.request_job(
            session, household_id=home, actor=actor, requested_on=requested_on
        )
        if status == "requested":
            return job.id
        booked = next(booking)
        service.book_job(
            session,
            job_id=job.id,
            team_id=team.id,
            day=requested_on + timedelta(days=booked // 8),
            slot=booked % 8 + 1,
            actor=actor,
        )
        if status in ("visited", "declined"):
            service.change_status(session, job_id=job.id, status="visited", actor=actor)
        if status == "installed":
            service.install_job(
                session,
                job_id=job.id,
                items=[service.ItemFitted("alarm")],
                installed_on=requested_on,
                actor=actor,
            )
        elif status != "scheduled" and status != "visited":
            service.change_status(session, job_id=job.id, status=status, actor=actor)
        return job.id

    return make


@pytest.fixture
def cli_store(database_url, engine, monkeypatch):
    """The command line pointed at the test database (commit what it should see)."""
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()
