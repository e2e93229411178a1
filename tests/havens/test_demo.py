"""The demo city's network: its 35 venues ready, in the finder, with uses and outreach."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from citysafe.demo.generator import generate_city
from citysafe.havens import service
from citysafe.havens.demo import create_demo_network
from citysafe.havens.models import OutreachEvent, Venue
from tests.havens.conftest import TODAY


@pytest.fixture(scope="module")
def city():
    return generate_city(2, scale=0.05)


def test_the_demo_network_is_ready_and_found(session, city):
    made = create_demo_network(session, city, joined="2023-07", last_month="2024-12")
    assert made.venues == 35 and made.uses > 30 and made.reached > 1000
    check = service.check_network(session)
    assert (check.venues, check.ready, check.not_ready) == (35, 35, [])
    assert 1 <= len(check.expiring) <= 3  # a few courses due for renewal, for the demo
    kinds = {v.kind for v in service.list_venues(session)}
    assert {"shop", "takeaway", "pharmacy", "library", "community centre", "leisure"} <= kinds
    centre = city.venues[["lat", "lon"]].mean()
    friday = TODAY + timedelta(days=(4 - TODAY.weekday()) % 7 or 7)
    late = datetime.combine(friday + timedelta(days=1), datetime.min.time()) + timedelta(hours=1)
    found = service.nearest(
        session, lat=float(centre.lat), lon=float(centre.lon), at=late, limit=10
    )
    assert found.results and {r.kind for r in found.results} == {"takeaway"}
    noon = service.nearest(
        session,
        lat=float(centre.lat),
        lon=float(centre.lon),
        at=datetime.combine(friday, datetime.min.time()) + timedelta(hours=12),
        limit=50,
    )
    assert len(noon.results) >= 25  # nearly all open at noon on a weekday
    sites, skipped = service.network_sites(session)
    assert len(sites) == 35 and {s.start_month for s in sites} == {"2023-07"} and not skipped


def test_building_again_replaces_the_demo_network(session, city):
    create_demo_network(session, city, joined="2023-07", last_month="2024-12")
    create_demo_network(session, city, joined="2023-07", last_month="2024-12")
    assert session.scalar(select(func.count(Venue.id))) == 35
    assert session.scalar(select(func.count(OutreachEvent.id))) == 12
