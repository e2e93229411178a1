"""The homes JSON API and staff pages: the programme run through the web, role by role."""

from __future__ import annotations

from sqlalchemy import select

from citysafe import db
from citysafe.audit.models import AuditEntry
from tests.homes.conftest import HEADER
from tests.webapp import sign_in

ROWS = (
    "1 Granby Street,L8 2TX,100000000001,-2.985,53.405,,,owner",
    "2 Granby Street,L8 2TX,100000000002,-2.984,53.405,,,council",
    "3 Granby Street,L8 2TX,,-2.983,53.405,,,private rented",
    "9 Far Lane,L1 1AA,,-2.950,53.450,,,owner",
    "10 Nowhere Road,L8 3XX,,,,,,castle",
)


def upload(client, person, rows=ROWS):
    body = (HEADER + "".join(r + "\n" for r in rows)).encode()
    return client.post(
        "/api/homes/households/import",
        files={"file": ("granby.csv", body, "text/csv")},
        headers=person.headers,
    )


def test_the_manager_imports_households_and_rows_are_explained(client, people, granby):
    answer = upload(client, people["manager"])
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert (found["read"], found["created"], len(found["refused"])) == (5, 4, 1)
    [refused] = found["refused"]
    assert refused["path"] == "granby.csv" and refused["line"] == 6
    assert {p["line"] for p in found["outside"]} == {5}
    assert upload(client, people["coordinator"]).status_code == 403
    assert upload(client, people["viewer"]).status_code == 403


def test_household_reads_are_for_programme_staff_and_audited(client, people, granby, engine):
    upload(client, people["manager"])
    found = client.get("/api/homes/households?q=granby", headers=people["coordinator"].headers)
    assert found.status_code == 200
    assert found.json()["total"] == 3
    assert {h["status"] for h in found.json()["households"]} == {"no job"}
    by_postcode = client.get("/api/homes/households?q=l82tx", headers=people["admin"].headers)
    assert by_postcode.json()["total"] == 3
    for role in ("viewer", "analyst", "caseworker"):
        assert client.get("/api/homes/households", headers=people[role].headers).status_code == 403
    with db.session_scope(engine) as session:
        reads = session.scalars(
            select(AuditEntry).where(
                AuditEntry.record_type == "homes_household", AuditEntry.action == "read"
            )
        ).all()
    assert [r.username for r in reads] == ["coordinator", "admin"]


def test_a_job_runs_from_request_to_installed_and_coverage_moves(client, people, granby):
    manager, team_hands = people["manager"].headers, people["coordinator"].headers
    upload(client, people["manager"])
    homes = client.get("/api/homes/households?q=granby", headers=manager).json()["households"]
    before = client.get("/api/homes/outcomes?from=2024-01&to=2024-12", headers=manager).json()
    assert (before["households"], before["protected"]) == (3, 0)

    job = client.post("/api/homes/jobs", json={"household_id": homes[0]["id"]}, headers=team_hands)
    assert job.status_code == 201, job.text
    other = client.post("/api/homes/jobs", json={"household_id": homes[1]["id"]}, headers=manager)
    again = client.post("/api/homes/jobs", json={"household_id": homes[0]["id"]}, headers=manager)
    assert again.status_code == 422 and "already has an open job" in again.json()["detail"]
    team = client.post(
        "/api/homes/teams", json={"name": "Van 1", "members": ["Ann", "Bob"]}, headers=manager
    )
    assert team.status_code == 201
    booking = {"team_id": team.json()["id"], "day": "2024-05-01", "slot": 2}
    job_id = job.json()["id"]
    assert (
        client.post(f"/api/homes/jobs/{job_id}/booking", json=booking, headers=team_hands)
    ).status_code == 403
    booked = client.post(f"/api/homes/jobs/{job_id}/booking", json=booking, headers=manager)
    assert booked.json()["status"] == "scheduled" and booked.json()["slot"] == 2
    twice = client.post(
        f"/api/homes/jobs/{other.json()['id']}/booking", json=booking, headers=manager
    )
    assert twice.status_code == 422
    assert "already booked on 2024-05-01 in slot 2" in twice.json()["detail"]

    bare = client.post(f"/api/homes/jobs/{job_id}/install", json={"items": []}, headers=team_hands)
    assert bare.status_code == 422 and "at least one item" in bare.json()["detail"]
    fitted = {
        "items": [
            {"code": "alarm"},
            {"code": "marking"},
            {"code": "detector", "quantity": 2, "resident_pays": True},
        ],
        "installed_on": "2024-05-01",
        "marking_code": "SW-777",
    }
    done = client.post(f"/api/homes/jobs/{job_id}/install", json=fitted, headers=team_hands)
    assert done.status_code == 200, done.text
    assert [e["status"] for e in done.json()["history"]] == ["requested", "scheduled", "installed"]
    after = client.get(
        "/api/homes/outcomes?from=2024-01&to=2024-12", headers=people["viewer"].headers
    )
    assert (after.json()["protected"], after.json()["coverage_pct"]) == (1, 33.33)

    marking = client.get("/api/homes/marking.csv", headers=manager)
    assert marking.status_code == 200
    assert "100000000001,1 Granby Street,L8 2TX,SW-777,2024-05-01" in marking.text
    assert client.get("/api/homes/marking.csv", headers=team_hands).status_code == 403


def test_prices_are_the_managers_and_never_negative(client, people, granby):
    manager = people["manager"].headers
    upload(client, people["manager"])
    [home, *_] = client.get("/api/homes/households", headers=manager).json()["households"]
    client.post("/api/homes/jobs", json={"household_id": home["id"]}, headers=manager)
    codes = {c["code"] for c in client.get("/api/homes/catalogue", headers=manager).json()}
    assert {"alarm", "marking", "smoke alarm"} <= codes
    negative = client.put("/api/homes/catalogue/alarm", json={"unit_cost": -1}, headers=manager)
    assert negative.status_code == 422
    changed = client.put("/api/homes/catalogue/alarm", json={"unit_cost": 95}, headers=manager)
    assert changed.json()["unit_cost"] == 95
    assert (
        client.put(
            "/api/homes/catalogue/alarm",
            json={"unit_cost": 1},
            headers=people["coordinator"].headers,
        ).status_code
        == 403
    )
    assert (
        client.put("/api/homes/catalogue/moat", json={"unit_cost": 1}, headers=manager).status_code
        == 404
    )


def test_the_pages_run_a_job_through_forms(client, people, granby):
    upload(client, people["manager"])
    assert sign_in(client, "manager").status_code == 303
    found = client.get("/homes/households?q=2+Granby")
    csrf = {"csrf_token": found.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]}
    assert found.status_code == 200 and "2 Granby Street" in found.text
    home_id = client.get(
        "/api/homes/households?q=2+Granby", headers=people["manager"].headers
    ).json()["households"][0]["id"]
    opened = client.post(f"/homes/households/{home_id}/job", data=csrf, follow_redirects=False)
    assert opened.status_code == 303
    job_path = opened.headers["location"]
    client.post(
        "/api/homes/teams",
        json={"name": "Van 2", "members": ["Cy", "Di"]},
        headers=people["manager"].headers,
    )
    team_id = client.get("/api/homes/teams", headers=people["manager"].headers).json()[0]["id"]
    booked = client.post(
        f"{job_path}/booking",
        data={**csrf, "team_id": str(team_id), "day": "2024-06-03", "slot": "1"},
        follow_redirects=False,
    )
    assert booked.status_code == 303
    refused = client.post(f"{job_path}/install", data={**csrf, "qty-alarm": "0"})
    assert refused.status_code == 422 and "at least one item" in refused.text
    installed = client.post(
        f"{job_path}/install",
        data={
            **csrf,
            "qty-alarm": "1",
            "qty-marking": "1",
            "marking_code": "SW-9",
            "installed_on": "2024-06-03",
        },
        follow_redirects=False,
    )
    assert installed.status_code == 303
    page = client.get(job_path)
    assert 'id="job-status">installed<' in page.text and "SW-9" in page.text
    overview = client.get("/homes")
    assert overview.status_code == 200 and "1 of 3 households" in overview.text


def test_a_month_out_of_any_period_is_refused_not_a_crash(client, people, granby):
    answer = client.get(
        "/api/homes/outcomes?from=0000-01&to=0000-02", headers=people["viewer"].headers
    )
    assert answer.status_code == 422 and "year is 1900 to 2200" in answer.json()["detail"]


def test_settings_left_out_keep_what_is_stored(client, people, granby):
    manager = people["manager"].headers
    first = client.put("/api/homes/settings", json={"cost_per_burglary": 3100}, headers=manager)
    assert first.json() == {"force_households": None, "cost_per_burglary": 3100}
    second = client.put("/api/homes/settings", json={"force_households": 600000}, headers=manager)
    assert second.json() == {"force_households": 600000, "cost_per_burglary": 3100}
    negative = client.put("/api/homes/settings", json={"cost_per_burglary": -1}, headers=manager)
    assert negative.status_code == 422
