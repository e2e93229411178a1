"""The dashboard's figures, the crime map without tiles, and the public area page on a phone."""

from __future__ import annotations

import pytest

from citysafe.crime.service import ingest_paths
from tests.browser.conftest import shot
from tests.crime.factory import crime_id, csv_bytes, row
from tests.webapp import PASSWORD


@pytest.fixture
def crimes(engine, tmp_path):
    """Fourteen months of a few crimes in two LSOAs."""
    n = 0
    for i in range(14):
        month = f"{2020 + (i // 12)}-{i % 12 + 1:02d}"
        rows = []
        for k in range(3 + i % 4):
            n += 1
            lsoa, name, lon = (
                ("E01006512", "Liverpool 022A", "-2.979000")
                if k % 2
                else ("E01006513", "Liverpool 022B", "-2.985000")
            )
            rows.append(
                row(
                    crime_id(n),
                    month=month,
                    lsoa=lsoa,
                    lsoa_name=name,
                    lon=lon,
                    crime_type="Burglary" if k % 3 else "Robbery",
                )
            )
        path = tmp_path / month / f"{month}-test-street.csv"
        path.parent.mkdir()
        path.write_bytes(csv_bytes(rows))
    ingest_paths(engine, [tmp_path])
    return n


def sign_in(page, server, username="analyst"):
    page.goto(f"{server}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/dashboard")


def test_dashboard_shows_the_figures_and_the_map_works_without_tiles(server, page, people, crimes):
    sign_in(page, server)
    assert page.locator("svg").first.is_visible()  # the monthly chart
    monthly = page.locator("table").filter(has_text="each month").inner_text()
    assert "Jan 2020\t3" in monthly and "Feb 2021\t4" in monthly
    assert "Burglary" in page.locator("table").filter(has_text="most frequent").inner_text()
    # 2019 is missing from the data: no headline change on last year, a plain warning instead
    assert "Not comparable" in page.locator(".figures").inner_text()
    shot(page, "dashboard-figures")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Crime map").click()
    page.wait_for_url(f"{server}/map")
    assert page.get_by_role("heading", level=1).inner_text() == "Crime map"
    page.wait_for_selector(".leaflet-container")
    summary = page.locator("table").filter(has_text="Crimes by type").inner_text()
    assert "Burglary" in summary  # the figures stand without the background map
    shot(page, "map-without-tiles")


def test_public_area_page_on_a_phone(server, phone, crimes):
    phone.goto(f"{server}/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Crime in your area"
    phone.get_by_label("Ward or neighbourhood name, or area code").fill("022A")
    phone.get_by_role("button", name="Search").click()
    phone.get_by_role("link", name="Liverpool 022A").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Crime in Liverpool 022A"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing wider than the phone's screen
    assert "Burglary" in phone.locator("table").filter(has_text="Crimes by type").inner_text()
    shot(phone, "public-area-phone")


def test_the_map_draws_the_hot_spot_layer(server, page, people, crimes):
    sign_in(page, server)
    page.goto(f"{server}/map?mode=hotspots&cell=250")
    status = page.locator("#map-status")
    status.filter(has_text="hot spots").wait_for()
    assert "Getis-Ord Gi*" in status.inner_text()
    assert page.locator(".leaflet-interactive").count() >= 1  # the cells are drawn
    shot(page, "map-hotspots")
