"""The public finder: ready, open venues nearest first; the JSON contract; no location logged."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

import pytest

from citysafe import db
from citysafe.havens import finder, service
from citysafe.havens.models import HavenChange
from tests.havens.conftest import ACTOR, HERE, TODAY, add_ready_venue

# metres east of HERE, as longitude
EAST = 1 / 66_300


def friday(hour: int, minute: int = 0) -> datetime:
    """A Friday at least a week ahead, so every venue added today has its sign up by then."""
    day = TODAY + timedelta(days=7 + (4 - TODAY.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, minute)


@pytest.fixture
def street(session):
    """Five venues along a street east of HERE, at 100 m steps, with different hours."""
    made = {}
    for i, (name, hours, options) in enumerate(
        [
            ("Always Open", "Daily 00:00-24:00", {}),
            ("Late Takeaway", "Mon-Thu 16:00-23:00; Fri-Sat 16:00-02:00+1", {}),
            ("Day Pharmacy", "Mon-Fri 09:00-18:00", {}),
            ("Unsigned Shop", "Daily 00:00-24:00", {"sign": None}),
            ("Far Library", "Daily 00:00-24:00", {}),
        ]
    ):
        distance = 100 * (i + 1) if name != "Far Library" else 3000
        made[name] = add_ready_venue(
            session, name, lon=HERE[0] + distance * EAST, lat=HERE[1], hours=hours, **options
        )[0]
    session.commit()
    return made


def names(found) -> list[str]:
    return [r.name for r in found.results]


def test_only_ready_venues_open_at_the_time_appear_nearest_first(session, street):
    found = service.nearest(session, lat=HERE[1], lon=HERE[0], at=friday(12))
    assert names(found) == ["Always Open", "Day Pharmacy", "Far Library"]
    distances = [r.distance_m for r in found.results]
    assert distances == sorted(distances)
    assert abs(distances[0] - 100) <= 2 and abs(distances[1] - 300) <= 4
    assert found.results[0].walk_minutes == math.ceil(distances[0] * 1.3 / 80)
    assert found.near and found.advice is None
    at_night = service.nearest(session, lat=HERE[1], lon=HERE[0], at=friday(23, 30))
    assert names(at_night) == ["Always Open", "Late Takeaway", "Far Library"]
    takeaway = at_night.results[1]
    assert takeaway.open_until.isoformat().startswith(str(friday(0).date() + timedelta(days=1)))
    assert takeaway.open_until.hour == 2 and takeaway.hours_today == "16:00-02:00 (next day)"


def test_after_midnight_the_friday_span_still_counts(session, street):
    saturday_early = friday(0) + timedelta(days=1, hours=1, minutes=30)
    found = service.nearest(session, lat=HERE[1], lon=HERE[0], at=saturday_early, limit=2)
    assert names(found) == ["Always Open", "Late Takeaway"]


def test_limit_within_and_the_advice_when_nothing_is_near(session, street):
    assert names(service.nearest(session, lat=HERE[1], lon=HERE[0], at=friday(12), limit=1)) == [
        "Always Open"
    ]
    far = service.nearest(session, lat=HERE[1], lon=HERE[0] + 2600 * EAST, at=friday(3), within=500)
    assert names(far) == ["Far Library"]  # 400 m away
    alone = service.nearest(session, lat=HERE[1] - 0.1, lon=HERE[0], at=friday(12))
    assert alone.results == [] and not alone.near
    assert "call 999" in alone.advice and "call 101" in alone.advice
    with pytest.raises(ValueError, match="limit"):
        service.nearest(session, lat=HERE[1], lon=HERE[0], limit=0)


def test_a_change_is_seen_at_once_here_and_within_a_second_from_elsewhere(
    engine, session, street, monkeypatch
):
    assert "Always Open" in names(service.nearest(session, lat=HERE[1], lon=HERE[0], at=friday(12)))
    member = street["Always Open"].staff[0]
    service.expire_course(session, member.courses[0].id, actor=ACTOR)
    session.commit()
    at_noon = service.nearest(session, lat=HERE[1], lon=HERE[0], at=friday(12))
    assert "Always Open" not in names(at_noon)
    # another process's change: only the table moves, so the finder sees it on its next look
    monkeypatch.setattr(finder, "RECHECK_SECONDS", 0.0)
    with db.session_scope(engine) as other:
        pharmacy = service.get_venue(other, street["Day Pharmacy"].id)
        pharmacy.sign_installed_on = None  # behind the service's back
        other.add(HavenChange(at=datetime.now().astimezone(), what="test"))
    assert "Day Pharmacy" not in names(
        service.nearest(session, lat=HERE[1], lon=HERE[0], at=friday(12))
    )


def test_the_json_contract_and_private_answers(client, street, caplog):
    caplog.set_level(logging.DEBUG)
    lat, lon = 53.43001234, -2.97001234
    response = client.get(
        "/api/havens/nearest",
        params={"lat": lat, "lon": lon, "at": friday(23, 30).isoformat(), "limit": 2},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["name"] for r in body["results"]] == ["Always Open", "Late Takeaway"]
    for result in body["results"]:
        assert {"id", "name", "lat", "lon", "distance_m", "walk_minutes", "open_until"} <= set(
            result
        )
    assert body["results"][1]["open_until"].endswith(("+00:00", "+01:00"))
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in response.headers
    # the test client logs its own requests (httpx); the app writes nothing with the position
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "53.43" not in logged and "2.970" not in logged
    # default: now; an offset is honoured; bad input is refused
    assert client.get("/api/havens/nearest", params={"lat": lat, "lon": lon}).status_code == 200
    utc = (friday(23, 30) - timedelta(hours=1)).isoformat() + "+00:00"
    assert (
        client.get("/api/havens/nearest", params={"lat": lat, "lon": lon, "at": utc}).status_code
        == 200
    )
    assert client.get("/api/havens/nearest", params={"lat": 95, "lon": lon}).status_code == 422
    assert (
        client.get("/api/havens/nearest", params={"lat": lat, "lon": lon, "at": "soon"}).status_code
        == 422
    )
    assert (
        client.get("/api/havens/nearest", params={"lat": lat, "lon": lon, "limit": 51}).status_code
        == 422
    )


def test_the_finder_page_finds_a_typed_place_without_javascript(client, street):
    page = client.get("/safe-havens", params={"q": "Late Takeaway"})
    assert page.status_code == 200
    assert "Open now near Late Takeaway" in page.text and "Always Open" in page.text
    assert page.headers["cache-control"] == "no-store"
    several = client.get("/safe-havens", params={"q": "Street"})
    assert "Which place do you mean?" in several.text
    assert (
        client.get("/safe-havens", params={"q": "Nowhere At All"}).text.count(
            "could not find a street or area"
        )
        == 1
    )
    places = client.get("/api/havens/places", params={"q": "pharm"}).json()
    assert [p["label"] for p in places] == ["Day Pharmacy, 1 Day Pharmacy Street"]
