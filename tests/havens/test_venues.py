"""Venues: bad input refused with the field named, status history, hours and hardening."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from citysafe.audit.models import AuditEntry
from citysafe.crime.service import ingest_paths
from citysafe.havens import hours as hours_
from citysafe.havens import service
from citysafe.havens.extent import partnership_extent
from citysafe.havens.models import HavenChange
from citysafe.havens.venues import status_on
from tests.crime.factory import crime_id, csv_bytes, row
from tests.havens.conftest import ACTOR, HERE, TODAY, add_ready_venue


def draft(name="Corner Shop", lon=HERE[0], lat=HERE[1], **extra):
    return service.VenueDraft(name=name, kind="shop", longitude=lon, latitude=lat, **extra)


@pytest.fixture
def crimes_in_liverpool(engine, tmp_path):
    """Two map points in north Liverpool: the partnership's area is the box around them."""
    rows = [
        row(crime_id(1), lon="-2.990000", lat="53.420000"),
        row(crime_id(2), lon="-2.950000", lat="53.440000", location="On or near Other Road"),
    ]
    path = tmp_path / "2024-01" / "2024-01-test-street.csv"
    path.parent.mkdir()
    path.write_bytes(csv_bytes(rows))
    ingest_paths(engine, [tmp_path])


def test_a_new_venue_is_nominated_today_and_audited(session):
    venue = service.create_venue(session, draft(), actor=ACTOR)
    assert venue.status == "nominated"
    assert [(c.status, c.changed_on) for c in venue.history] == [("nominated", TODAY)]
    assert 335_000 < venue.easting < 336_000 and 392_000 < venue.northing < 394_000
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.record_type, entry.record_id) == (
        "create",
        "haven_venue",
        str(venue.id),
    )
    assert session.scalar(select(func.count(HavenChange.id))) == 1


def test_a_place_outside_the_partnerships_area_is_refused(session, crimes_in_liverpool):
    extent = partnership_extent(session)
    assert "police.uk map points" in extent.source
    assert extent.contains(HERE[0], HERE[1])
    with pytest.raises(service.HavenError, match="lies outside the partnership's area") as refused:
        service.create_venue(session, draft(lon=-1.2577, lat=51.7520), actor=ACTOR)  # Oxford
    assert refused.value.field == "longitude"
    with pytest.raises(service.HavenError, match="longitude and latitude are not swapped"):
        service.create_venue(session, draft(lon=HERE[1], lat=HERE[0]), actor=ACTOR)
    # within the 1 km margin is accepted
    service.create_venue(session, draft(lon=-2.9950, lat=53.4180), actor=ACTOR)


def test_without_crime_data_or_areas_any_point_in_great_britain_is_accepted(session):
    service.create_venue(session, draft(lon=-1.2577, lat=51.7520), actor=ACTOR)
    with pytest.raises(service.HavenError, match="Great Britain"):
        service.create_venue(session, draft(lon=2.35, lat=48.86), actor=ACTOR)  # Paris


def test_the_same_name_within_25_metres_is_a_duplicate(session):
    first = service.create_venue(session, draft("Ribble News"), actor=ACTOR)
    ten_metres_east = HERE[0] + 10 / 66_300  # a degree of longitude is about 66 km here
    with pytest.raises(service.HavenError, match=r"already recorded 10 m away \(venue ") as found:
        service.create_venue(session, draft("  ribble   NEWS ", lon=ten_metres_east), actor=ACTOR)
    assert found.value.field == "name" and str(first.id) in str(found.value)
    service.create_venue(session, draft("Ribble Cafe", lon=ten_metres_east), actor=ACTOR)
    service.create_venue(session, draft("Ribble News", lon=HERE[0] + 40 / 66_300), actor=ACTOR)


def test_invalid_hours_are_refused_naming_the_field(session):
    with pytest.raises(service.HavenError, match="mark it overnight") as refused:
        service.create_venue(
            session, draft(hours=(hours_.Span(4, time(18), time(2)),)), actor=ACTOR
        )
    assert refused.value.field == "hours"
    venue = service.create_venue(session, draft(), actor=ACTOR)
    with pytest.raises(service.HavenError, match="overlaps"):
        spans = [hours_.Span(0, time(9), time(17)), hours_.Span(0, time(12), time(20))]
        service.set_hours(session, venue.id, spans, actor=ACTOR)


def test_status_changes_are_dated_and_the_current_status_is_the_latest(session):
    venue = service.create_venue(
        session,
        draft(history=(service.StatusInput("nominated", TODAY - timedelta(days=50)),)),
        actor=ACTOR,
    )
    service.set_status(session, venue.id, "approved", on=TODAY - timedelta(days=40), actor=ACTOR)
    service.set_status(session, venue.id, "active", on=TODAY - timedelta(days=30), actor=ACTOR)
    service.set_status(
        session,
        venue.id,
        "suspended",
        on=TODAY - timedelta(days=5),
        note="closed for refit",
        actor=ACTOR,
    )
    assert venue.status == "suspended"
    assert venue.joined_on == TODAY - timedelta(days=30)  # the day it first became active
    assert status_on(venue.history, TODAY - timedelta(days=10)) == "active"
    with pytest.raises(service.HavenError, match="in the future"):
        service.set_status(session, venue.id, "active", on=TODAY + timedelta(days=1), actor=ACTOR)
    with pytest.raises(service.HavenError, match="already suspended"):
        service.set_status(session, venue.id, "suspended", actor=ACTOR)
    with pytest.raises(service.HavenError, match="not one of"):
        service.set_status(session, venue.id, "closed", actor=ACTOR)
    # a change entered late, between two others, does not move the current status
    service.set_status(session, venue.id, "approved", on=TODAY - timedelta(days=20), actor=ACTOR)
    assert venue.status == "suspended"


def test_hardening_sign_and_exceptions(session):
    venue, _ = add_ready_venue(session)
    service.add_measure(
        session, venue.id, service.MeasureInput("Remote door lock", TODAY, 45_000), actor=ACTOR
    )
    assert [(m.measure, m.cost_pence) for m in venue.measures] == [("Remote door lock", 45_000)]
    with pytest.raises(service.HavenError, match="in the future"):
        service.update_venue(
            session, venue.id, {"sign_installed_on": TODAY + timedelta(days=3)}, actor=ACTOR
        )
    closed = hours_.closure(
        TODAY + timedelta(days=1), TODAY + timedelta(days=3), closed=True, note="refit"
    )
    service.add_exception(session, venue.id, closed, actor=ACTOR)
    with pytest.raises(service.HavenError, match="overlap"):
        service.add_exception(
            session,
            venue.id,
            hours_.closure(TODAY + timedelta(days=2), None, closed=True),
            actor=ACTOR,
        )
    [row_] = venue.exceptions
    service.remove_exception(session, venue.id, row_.id, actor=ACTOR)
    assert venue.exceptions == []
    with pytest.raises(service.NotFound):
        service.get_venue(session, 999_999)
