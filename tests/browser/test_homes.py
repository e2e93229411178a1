"""The home-security programme in a browser: the programme manager books a requested job from
the work queue, the team marks it installed, and coverage on the programme's dashboard moves."""

from __future__ import annotations

from datetime import date

import pytest

from citysafe import db
from citysafe.audit.service import SYSTEM
from citysafe.homes import service
from tests.browser.conftest import shot
from tests.homes.conftest import HEADER, make_granby
from tests.webapp import PASSWORD

ROWS = (
    "1 Granby Street,L8 2TX,,-2.985,53.405,,,owner",
    "2 Granby Street,L8 2TX,,-2.984,53.405,,,council",
    "3 Granby Street,L8 2TX,,-2.983,53.405,,,private rented",
)


@pytest.fixture
def requested(engine, tmp_path):
    """Three Granby households, a job requested for the first, and a team."""
    make_granby(engine, tmp_path)
    path = tmp_path / "granby.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in ROWS))
    with db.session_scope(engine) as session:
        service.import_households(session, path)
        [first, *_] = service.households(session)
        job = service.request_job(session, household_id=first.id, actor=SYSTEM)
        service.add_team(session, name="Van 1", members=["Ann", "Bob"], van="VN01 ABC")
        return job.id


def sign_in(page, server, username: str, path: str) -> None:
    page.goto(f"{server}/login?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}{path}")


def coverage(page, server) -> str:
    page.goto(f"{server}/homes")
    return page.locator("#coverage").inner_text()


def test_a_booked_job_installed_by_the_team_moves_coverage(server, page, people, requested):
    sign_in(page, server, "manager", "/homes")
    assert coverage(page, server).startswith("0.0%")
    page.goto(f"{server}/homes/queue")
    page.get_by_role("link", name="1 Granby Street, L8 2TX").click()
    page.wait_for_url(f"{server}/homes/jobs/{requested}")
    page.get_by_label("Team").select_option(label="Van 1 (Ann, Bob)")
    page.get_by_label("Day").fill(date.today().isoformat())
    page.get_by_label("Slot (1 to 8)").fill("2")
    page.get_by_role("button", name="Book").click()
    page.wait_for_url(f"{server}/homes/jobs/{requested}")
    assert page.locator("#job-status").inner_text() == "scheduled"
    shot(page, "homes-job-booked")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, server, "coordinator", f"/homes/jobs/{requested}")
    page.get_by_label("Burglar alarm with two infra-red detectors", exact=True).fill("1")
    page.get_by_label("Property marking kit (synthetic DNA)", exact=True).fill("1")
    page.get_by_label("Property-marking code").fill("SW-2024-0001")
    page.get_by_role("button", name="Mark installed").click()
    page.wait_for_url(f"{server}/homes/jobs/{requested}")
    assert page.locator("#job-status").inner_text() == "installed"
    assert "SW-2024-0001" in page.content()
    shot(page, "homes-job-installed")

    text = coverage(page, server)
    assert text.startswith("33.3%") and "1 of 3 households" in text
    shot(page, "homes-dashboard")
