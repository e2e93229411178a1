"""The public finder on a phone, located at a fixed point, and the coordinator taking a venue out
of it by marking its only trained member of staff's training expired."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.browser.conftest import shot
from tests.havens.conftest import HERE, add_ready_venue
from tests.webapp import PASSWORD

EAST = 1 / 66_300  # degrees of longitude per metre here


@pytest.fixture
def havens(engine):
    """Two venues open round the clock, 100 m and 300 m east of HERE; a closed one at 50 m."""
    with Session(engine, expire_on_commit=False) as session:
        nearest, sam = add_ready_venue(session, "Ribble News", lon=HERE[0] + 100 * EAST)
        add_ready_venue(session, "Walden Library", lon=HERE[0] + 300 * EAST, kind="library")
        add_ready_venue(session, "Shut Cafe", lon=HERE[0] + 50 * EAST, status="suspended")
        session.commit()
        return {"venue": nearest.id, "course": sam.courses[0].id}


def located_search(phone, server):
    phone.goto(f"{server}/safe-havens")
    phone.get_by_role("button", name="Find Safe Havens open near me").click()
    phone.wait_for_selector("#result-list li")
    return phone.locator("#result-list li h3").all_inner_texts()


def test_the_finder_shows_the_nearest_open_haven_until_its_training_lapses(
    server, phone, page, people, havens
):
    phone.context.grant_permissions(["geolocation"], origin=server)
    phone.context.set_geolocation({"latitude": HERE[1], "longitude": HERE[0], "accuracy": 10})
    assert located_search(phone, server) == ["Ribble News", "Walden Library"]
    first = phone.locator("#result-list li").first.inner_text()
    assert "100 m away, about 2 minutes walk" in first and "Open all week" in first
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.get_by_role("note").inner_text().startswith("In danger now? Call 999.")
    shot(phone, "havens-finder-phone")

    page.goto(f"{server}/login?next=/havens/venues/{havens['venue']}")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/havens/venues/{havens['venue']}")
    assert page.locator("#readiness").inner_text().startswith("Ready today")
    page.get_by_role("button", name="Mark Sam's first aid training expired").click()
    page.wait_for_url(f"**/havens/venues/{havens['venue']}#staff-*")
    readiness = page.locator("#readiness").inner_text()
    assert "Not ready today" in readiness
    assert "no member of staff holds current first aid and safeguarding training" in readiness
    shot(page, "havens-training-expired")

    assert located_search(phone, server) == ["Walden Library"]
    shot(phone, "havens-finder-after-expiry")


def test_the_coordinator_picks_a_new_venues_place_on_the_map(server, page, people, havens):
    page.goto(f"{server}/login?next=/havens/venues")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/havens/venues")
    page.wait_for_selector("#pick-map.leaflet-container")
    page.locator("#pick-map").click()  # the middle of the recorded venues
    lat = float(page.get_by_role("textbox", name="Latitude").input_value())
    lon = float(page.get_by_role("textbox", name="Longitude").input_value())
    assert abs(lat - HERE[1]) < 0.001 and abs(lon - (HERE[0] + 175 * EAST)) < 0.002
    page.get_by_role("textbox", name="Name").fill("Picked Pharmacy")
    page.get_by_role("button", name="Add venue").click()
    page.wait_for_url(f"{server}/havens/venues/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Picked Pharmacy"
    shot(page, "havens-venue-added")
