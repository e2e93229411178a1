"""The homes API for the day-to-day work: requests and referrals, the queue, the cocoon, day
plans, safety audits and claims, role by role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from citysafe import db
from citysafe.audit.models import AuditEntry
from tests.homes.test_api import upload

TODAY = date.today()


@pytest.fixture
def programme(client, people, granby):
    """Granby's three homes, imported by the manager; returns their ids in address order."""
    upload(client, people["manager"])
    found = client.get("/api/homes/households?q=granby", headers=people["manager"].headers)
    return [h["id"] for h in found.json()["households"]]


def referral(**changes) -> dict:
    body = {
        "contact_name": "R. Resident",
        "address": "3 Granby Street",
        "postcode": "L8 2TX",
        "phone": "0151 000 0000",
        "referral": "hate crime",
    }
    return {**body, **changes}


def test_a_caseworker_refers_a_victim_and_learns_only_the_decision(client, people, programme):
    answer = client.post(
        "/api/homes/requests", json=referral(), headers=people["caseworker"].headers
    )
    assert answer.status_code == 201, answer.text
    found = answer.json()
    assert set(found) == {"id", "status", "eligible", "priority", "reason"}
    assert (found["status"], found["priority"]) == ("accepted", 1)
    assert "hate crime" in found["reason"] and "Test Police" in found["reason"]
    for role in ("caseworker", "viewer", "analyst"):
        assert client.get("/api/homes/requests", headers=people[role].headers).status_code == 403
    listed = client.get("/api/homes/requests", headers=people["coordinator"].headers).json()
    assert [r["contact_name"] for r in listed] == ["R. Resident"]
    queue = client.get("/api/homes/queue", headers=people["coordinator"].headers).json()
    assert [(e["address"], e["effective_priority"]) for e in queue] == [("3 Granby Street", 1)]


def test_requests_outside_the_rules_are_refused_with_the_reason(client, people, programme):
    staff = people["manager"].headers
    outside = client.post(
        "/api/homes/requests",
        json=referral(address="9 Far Lane", postcode="L1 1AA", referral=None),
        headers=staff,
    )
    assert outside.status_code == 201
    assert (
        outside.json()["status"] == "refused"
        and "outside the partnership's area" in outside.json()["reason"]
    )
    overridden = client.post(
        f"/api/homes/requests/{outside.json()['id']}/decision",
        json={"accept": True},
        headers=staff,
    )
    assert overridden.status_code == 422 and "states its reason" in overridden.json()["detail"]
    accepted = client.post(
        f"/api/homes/requests/{outside.json()['id']}/decision",
        json={"accept": True, "reason": "Elderly resident, burgled twice next door"},
        headers=staff,
    )
    assert accepted.json()["status"] == "accepted" and accepted.json()["job_id"]
    unknown = client.post(
        "/api/homes/requests",
        json=referral(address="1 Unknown Road", postcode="L8 9ZZ", referral=None),
        headers=staff,
    )
    assert unknown.status_code == 422 and "location" in unknown.json()["detail"]


def test_the_public_form_answers_with_a_reference_only(client, programme, engine):
    form = client.get("/secure-homes")
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    sent = client.post(
        "/secure-homes",
        data={
            "csrf_token": token,
            "contact_name": "Pat",
            "address": "2 Granby Street",
            "postcode": "L8 2TX",
            "phone": "0151 111 1111",
        },
    )
    assert sent.status_code == 200
    assert "Your reference is" in sent.text and "eligible" in sent.text
    assert "0151 111 1111" not in sent.text
    refused = client.post(
        "/secure-homes",
        data={
            "csrf_token": token,
            "contact_name": "Pat",
            "address": "2 Granby Street",
            "postcode": "L8 2TX",
        },
    )
    assert refused.status_code == 422 and "phone" in refused.text.lower()
    with db.session_scope(engine) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.record_type == "homes_request")
        ).all()
    assert {e.username for e in entries} == {"public form"}
    assert "create" in {e.action for e in entries}


def test_the_police_report_a_burglary_and_the_cocoon_moves_homes_up(client, people, programme):
    manager = people["manager"].headers
    police = people["caseworker"].headers  # the test's police user
    burglary = {
        "occurred_on": (TODAY - timedelta(days=2)).isoformat(),
        "lon": -2.9845,
        "lat": 53.4050,
    }
    assert client.post("/api/homes/burglaries", json=burglary, headers=manager).status_code == 403
    reported = client.post("/api/homes/burglaries", json=burglary, headers=police)
    assert reported.status_code == 201, reported.text
    window = client.get("/api/homes/cocoon", headers=people["viewer"].headers).json()
    assert (window["distance_m"], window["days"], window["analysed"]) == (200, 28, False)
    run = client.post("/api/homes/cocoon", json={}, headers=manager)
    assert run.status_code == 200, run.text
    moved = {m["household_id"] for m in run.json()["moves"]}
    assert moved == set(programme)  # all three Granby homes are within 200 m
    queue = client.get("/api/homes/queue", headers=manager).json()
    assert {e["effective_priority"] for e in queue} == {2}
    assert all("burglary" in e["reason"] and e["cocoon_until"] for e in queue)
    assert (
        client.post("/api/homes/cocoon", json={}, headers=people["coordinator"].headers).status_code
        == 403
    )


def test_a_day_is_planned_audited_and_claimed_against(client, people, programme):
    manager, team = people["manager"].headers, people["coordinator"].headers
    made = client.post(
        "/api/homes/teams", json={"name": "Van 1", "members": ["A", "B"]}, headers=manager
    ).json()
    base = client.put(
        f"/api/homes/teams/{made['id']}/base",
        json={"longitude": -2.986, "latitude": 53.405},
        headers=manager,
    )
    assert base.status_code == 200
    # booked in request order far, near, middle: travel order is near, middle, far
    jobs = []
    for slot, home in enumerate((programme[2], programme[0], programme[1]), start=1):
        job = client.post("/api/homes/jobs", json={"household_id": home}, headers=team).json()
        client.post(
            f"/api/homes/jobs/{job['id']}/booking",
            json={"team_id": made["id"], "day": TODAY.isoformat(), "slot": slot},
            headers=manager,
        )
        jobs.append(job["id"])
    preview = client.get(f"/api/homes/teams/{made['id']}/plan?day={TODAY}", headers=team).json()
    assert preview["applied"] is False
    assert preview["length_m"] <= preview["request_order_length_m"]
    # the van returns to base, so a loop and its reverse are as long: either runs along the street
    along = {(jobs[1], jobs[2], jobs[0]), (jobs[0], jobs[2], jobs[1])}
    assert tuple(v["job_id"] for v in preview["visits"]) in along
    assert preview["length_m"] < preview["request_order_length_m"]
    applied = client.post(
        f"/api/homes/teams/{made['id']}/plan", json={"day": TODAY.isoformat()}, headers=team
    ).json()
    assert applied["applied"] is True
    slots = {j: client.get(f"/api/homes/jobs/{j}", headers=team).json()["slot"] for j in jobs}
    assert tuple(sorted(jobs, key=slots.get)) == tuple(v["job_id"] for v in preview["visits"])

    first = jobs[1]
    client.post(
        f"/api/homes/jobs/{first}/install",
        json={"items": [{"code": "alarm"}], "installed_on": TODAY.isoformat()},
        headers=team,
    )
    points = [p["code"] for p in client.get("/api/homes/checklist", headers=team).json()]
    partial = client.post(
        f"/api/homes/jobs/{first}/audit", json={"answers": {"front_door": "yes"}}, headers=team
    )
    assert partial.status_code == 422
    answers = {code: "yes" for code in points} | {"windows_shut": "no"}
    done = client.post(f"/api/homes/jobs/{first}/audit", json={"answers": answers}, headers=team)
    assert done.status_code == 201, done.text
    assert done.json()["advice"]["windows_shut"]
    summary = client.get("/api/homes/audits/summary", headers=people["viewer"].headers).json()
    assert summary["audits"] == 1 and summary["left_open"]["not_secure"] == 1

    claim = client.post(
        f"/api/homes/jobs/{first}/claims",
        json={
            "kind": "compensation",
            "received_on": TODAY.isoformat(),
            "description": "Scratched door",
            "amount": 60,
        },
        headers=team,
    )
    assert claim.status_code == 201
    assert (
        client.post(
            f"/api/homes/claims/{claim.json()['id']}/decision",
            json={"outcome": "paid", "paid": 60, "decided_on": TODAY.isoformat()},
            headers=team,
        ).status_code
        == 403
    )
    over = client.post(
        f"/api/homes/claims/{claim.json()['id']}/decision",
        json={"outcome": "paid", "paid": 600, "decided_on": TODAY.isoformat()},
        headers=manager,
    )
    assert over.status_code == 422
    paid = client.post(
        f"/api/homes/claims/{claim.json()['id']}/decision",
        json={"outcome": "paid", "paid": 60, "decided_on": TODAY.isoformat()},
        headers=manager,
    )
    assert paid.json()["outcome"] == "paid"
    claims = client.get("/api/homes/claims/summary", headers=people["analyst"].headers).json()
    assert claims["jobs_installed"] == 1 and claims["paid"]["jobs_with_claim"] == 1


def test_a_referrer_with_another_role_still_refers_only_for_their_agency(
    app, client, people, programme, engine
):
    from citysafe.accounts import service as accounts
    from citysafe.accounts.roles import AgencyKind

    with db.session_scope(engine) as session:
        police = accounts.ensure_agency(session, "Test Police", AgencyKind.POLICE)
        user = accounts.create_user(
            session,
            username="dual",
            display_name="Dual Role",
            agency=police,
            roles=["caseworker", "analyst"],
            password="correct horse battery staple",
        )
        token, _ = accounts.create_api_token(session, user, "tests", app.state.secret)
    headers = {"Authorization": f"Bearer {token}"}
    sent = client.post(
        "/api/homes/requests", json=referral(referral=None) | {"channel": "staff"}, headers=headers
    )
    assert sent.status_code == 201, sent.text
    assert set(sent.json()) == {"id", "status", "eligible", "priority", "reason"}
    [made] = client.get("/api/homes/requests", headers=people["manager"].headers).json()
    assert made["channel"] == "agency" and made["agency_id"] == user.agency_id


def test_reading_requests_is_audited(client, people, programme, engine):
    client.post("/api/homes/requests", json=referral(), headers=people["caseworker"].headers)
    client.get("/api/homes/requests", headers=people["coordinator"].headers)
    with db.session_scope(engine) as session:
        reads = session.scalars(
            select(AuditEntry).where(
                AuditEntry.record_type == "homes_request", AuditEntry.action == "read"
            )
        ).all()
    assert [r.username for r in reads] == ["coordinator"]
