"""The havens JSON API and staff pages, as the coordinator and as other staff."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from citysafe.audit.models import AuditEntry
from tests.havens.conftest import HERE, TODAY, add_ready_venue

VENUE = {
    "name": "Ribble News",
    "kind": "shop",
    "longitude": HERE[0],
    "latitude": HERE[1],
    "hours": "Mon-Sat 07:00-19:00; Fri 19:00-01:00+1",
    "address": "10 Ribble Lane",
}


def test_the_coordinator_sets_a_venue_up_until_it_is_ready(client, people):
    staff = people["coordinator"].headers
    made = client.post("/api/havens/venues", json=VENUE, headers=staff)
    assert made.status_code == 201, made.text
    venue = made.json()
    assert venue["status"] == "nominated" and venue["ready"] is False
    assert venue["hours_spans"][-1] == {
        "day": "Sat",
        "opens": "07:00",
        "closes": "19:00",
        "overnight": False,
    }
    vid = venue["id"]
    for status in ("approved", "active"):
        assert (
            client.post(
                f"/api/havens/venues/{vid}/status", json={"status": status}, headers=staff
            ).status_code
            == 200
        )
    patched = client.patch(
        f"/api/havens/venues/{vid}", json={"sign_installed_on": str(TODAY)}, headers=staff
    ).json()
    assert (
        "no member of staff holds current first aid and safeguarding training" in patched["reasons"]
    )
    member = client.post(
        f"/api/havens/venues/{vid}/staff", json={"name": "Amir"}, headers=staff
    ).json()
    stale = client.post(
        f"/api/havens/staff/{member['id']}/courses",
        json={"course": "first aid", "completed_on": str(TODAY - timedelta(days=1500))},
        headers=staff,
    )
    assert stale.status_code == 422 and "cannot be entered as current" in stale.json()["detail"]
    for course in ("first aid", "safeguarding"):
        assert (
            client.post(
                f"/api/havens/staff/{member['id']}/courses",
                json={"course": course, "completed_on": str(TODAY - timedelta(days=20))},
                headers=staff,
            ).status_code
            == 201
        )
    shifts = client.put(
        f"/api/havens/staff/{member['id']}/shifts",
        json={"shifts": "Mon-Sat 07:00-19:00"},
        headers=staff,
    )
    assert shifts.json()["trained"] is True
    venue = client.get(f"/api/havens/venues/{vid}", headers=people["viewer"].headers).json()
    assert venue["ready"] is False
    assert venue["reasons"] == ["no trained member of staff on duty Fri 19:00 to Sat 01:00"]
    client.put(
        f"/api/havens/staff/{member['id']}/shifts",
        json={"shifts": "Mon-Sat 07:00-19:00; Fri 19:00-01:00+1"},
        headers=staff,
    )
    assert client.get(f"/api/havens/venues/{vid}", headers=staff).json()["ready"] is True


def test_bad_input_is_refused_with_422_naming_the_problem(client, people):
    staff = people["coordinator"].headers
    late = client.post(
        "/api/havens/venues", json={**VENUE, "hours": "Fri 19:00-01:00"}, headers=staff
    )
    assert late.status_code == 422 and "mark it overnight" in late.json()["detail"]
    paris = client.post(
        "/api/havens/venues", json={**VENUE, "longitude": 2.35, "latitude": 48.86}, headers=staff
    )
    assert paris.status_code == 422 and "outside Great Britain" in paris.json()["detail"]
    assert client.post("/api/havens/venues", json=VENUE, headers=staff).status_code == 201
    again = client.post("/api/havens/venues", json={**VENUE, "name": "RIBBLE NEWS"}, headers=staff)
    assert again.status_code == 422 and "already recorded" in again.json()["detail"]
    assert client.get("/api/havens/venues/99999", headers=staff).status_code == 404


def test_only_those_running_the_network_change_it_or_read_staff(client, people, session):
    venue, sam = add_ready_venue(session)
    session.commit()
    for role in ("viewer", "analyst", "caseworker", "manager"):
        headers = people[role].headers
        assert client.post("/api/havens/venues", json=VENUE, headers=headers).status_code == 403
        assert (
            client.get(f"/api/havens/venues/{venue.id}/staff", headers=headers).status_code == 403
        )
        page = client.get(f"/havens/venues/{venue.id}", headers=headers)
        assert page.status_code == 200 and "Sam" not in page.text
    listed = client.get(
        f"/api/havens/venues/{venue.id}/staff", headers=people["coordinator"].headers
    ).json()
    assert [m["name"] for m in listed] == ["Sam"] and listed[0]["trained"] is True
    reads = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "read", AuditEntry.record_type == "haven_staff"
        )
    ).all()
    assert [(r.username, r.record_id) for r in reads] == [("coordinator", f"venue {venue.id}")]


def test_the_coordinators_pages_and_forms(client, people, session):
    venue, sam = add_ready_venue(session, "Walden Library", kind="library")
    session.commit()
    staff = people["coordinator"].headers
    page = client.get(f"/havens/venues/{venue.id}", headers=staff)
    assert page.status_code == 200
    assert "Ready today" in page.text and "Mark expired" in page.text
    course = sam.courses[0].id
    expired = client.post(f"/havens/courses/{course}/expire", headers=staff, follow_redirects=False)
    assert expired.status_code == 303
    assert expired.headers["location"] == f"/havens/venues/{venue.id}#staff-{sam.id}"
    page = client.get(f"/havens/venues/{venue.id}", headers=staff)
    assert "Not ready today" in page.text
    overview = client.get("/havens", headers=staff)
    assert "Walden Library" in overview.text and "no member of staff holds" in overview.text
    refused = client.post(
        f"/havens/venues/{venue.id}/hours", data={"hours": "Mon 18:00-02:00"}, headers=staff
    )
    assert refused.status_code == 422 and "mark it overnight" in refused.text
    made = client.post(
        "/havens/venues",
        data={"name": "Cafe", "kind": "shop", "longitude": "-2.96", "latitude": "53.43"},
        headers=staff,
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"].startswith("/havens/venues/")
    for path in (
        "/havens/venues",
        "/havens/usage",
        "/havens/outreach",
        "/havens/nominations",
        "/havens/coverage",
        "/safe-havens",
        "/safe-havens/nominate",
    ):
        assert client.get(path, headers=staff).status_code == 200, path


def test_uses_are_recorded_and_their_reads_audited(client, people, session):
    venue, _ = add_ready_venue(session)
    session.commit()
    staff = people["coordinator"].headers
    made = client.post(
        "/api/havens/uses",
        json={
            "venue_id": venue.id,
            "at": "2025-05-02T21:15:00",
            "age_band": "11-13",
            "reason": "lost or separated",
            "actions": ["called parent or carer"],
        },
        headers=staff,
    )
    assert made.status_code == 201, made.text
    assert made.json()["at"].startswith("2025-05-02T20:15:00")  # stored in UTC
    listed = client.get("/api/havens/uses", headers=staff).json()
    assert [u["reason"] for u in listed] == ["lost or separated"]
    summary = client.get("/api/havens/uses/summary", headers=people["viewer"].headers).json()
    assert summary["total"] == 1 and summary["by_venue"]["2025-05"] == {"Corner Shop": 1}
    reads = session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "haven_use", AuditEntry.action == "read")
    ).all()
    assert len(reads) == 1


def test_export_and_import_through_the_api(client, people, session):
    add_ready_venue(session)
    session.commit()
    staff = people["coordinator"].headers
    csv_text = client.get("/api/havens/export?format=csv", headers=people["analyst"].headers).text
    assert csv_text.startswith("id,name,kind,")
    geojson = client.get("/api/havens/export?format=geojson", headers=staff).json()
    assert geojson["features"][0]["geometry"]["coordinates"] == [HERE[0], HERE[1]]
    upload = client.post(
        "/api/havens/import", files={"file": ("venues.csv", csv_text)}, headers=staff
    )
    body = upload.json()
    assert (body["read"], body["created"], len(body["refused"])) == (1, 0, 1)
    assert body["refused"][0]["field"] == "name"
    updated = client.post(
        "/api/havens/import",
        files={"file": ("venues.csv", csv_text)},
        data={"update": "true"},
        headers=staff,
    ).json()
    assert updated["updated"] == 1


def test_only_the_roles_that_may_site_venues_run_the_solver_from_the_page(client, people):
    assert client.get("/havens/coverage?k=3", headers=people["viewer"].headers).status_code == 403
    assert (
        "Recommend sites"
        not in client.get("/havens/coverage", headers=people["viewer"].headers).text
    )
    page = client.get("/havens/coverage", headers=people["analyst"].headers)
    assert page.status_code == 200 and "Recommend sites" in page.text
