"""The demo city's programme end to end through the web app: a public request, the queue,
booking, the day plan, install, safety audit, and the dashboard's outcomes."""

from __future__ import annotations

from datetime import date

from citysafe.demo.service import build_demo

TODAY = date.today()


def protected_today(page) -> int:
    """The dashboard's count of households protected today."""
    return int(page.text.split("coverage today: ", 1)[1].split(" of", 1)[0].replace(",", ""))


def test_the_demo_programme_runs_in_the_web_app(engine, client, people):
    build_demo(engine, seed=1)
    manager, team = people["manager"].headers, people["coordinator"].headers

    queue = client.get("/api/homes/queue", headers=team).json()
    assert [e["effective_priority"] for e in queue[:2]] == [1, 1]  # the referred victims first
    assert [e["effective_priority"] for e in queue] == sorted(
        e["effective_priority"] for e in queue
    )
    waiting = client.get("/api/homes/requests?status=new", headers=team).json()
    assert len(waiting) == 3 and all(r["channel"] == "public" for r in waiting)

    # a resident of a programme home asks through the public form
    home = client.get("/api/homes/households?q=Street", headers=manager).json()["households"]
    unfitted = [h for h in home if h["status"] == "no job"][0]
    form = client.get("/secure-homes")
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    sent = client.post(
        "/secure-homes",
        data={
            "csrf_token": token,
            "contact_name": "Demo Resident",
            "address": unfitted["address"],
            "postcode": unfitted["postcode"],
            "email": "resident@example.org",
        },
    )
    assert "is eligible" in sent.text
    [entry] = [
        e
        for e in client.get("/api/homes/queue", headers=team).json()
        if e["household_id"] == unfitted["id"]
    ]
    # booked by the manager into Team A's day, planned, installed and audited by the team
    teams = {t["name"]: t["id"] for t in client.get("/api/homes/teams", headers=team).json()}
    day = client.get(f"/api/homes/jobs?team={teams['Team A']}&day={TODAY}", headers=team).json()
    free = min(set(range(1, 9)) - {j["slot"] for j in day})
    booked = client.post(
        f"/api/homes/jobs/{entry['job_id']}/booking",
        json={"team_id": teams["Team A"], "day": TODAY.isoformat(), "slot": free},
        headers=manager,
    )
    assert booked.status_code == 200, booked.text
    plan = client.post(
        f"/api/homes/teams/{teams['Team A']}/plan", json={"day": TODAY.isoformat()}, headers=team
    ).json()
    assert len(plan["visits"]) == len(day) + 1
    assert plan["length_m"] <= plan["request_order_length_m"]
    before = client.get("/homes", headers=team)
    fitted = client.post(
        f"/api/homes/jobs/{entry['job_id']}/install",
        json={"items": [{"code": "alarm"}, {"code": "marking"}], "marking_code": "DEMO-NEW-1"},
        headers=team,
    )
    assert fitted.status_code == 200, fitted.text
    points = [p["code"] for p in client.get("/api/homes/checklist", headers=team).json()]
    audit = client.post(
        f"/api/homes/jobs/{entry['job_id']}/audit",
        json={"answers": dict.fromkeys(points, "yes")},
        headers=team,
    )
    assert audit.status_code == 201

    after = client.get("/homes", headers=people["viewer"].headers)
    assert after.status_code == 200
    assert protected_today(after) == protected_today(before) + 1
    outcomes = client.get("/api/homes/outcomes", headers=people["analyst"].headers).json()
    ratio = outcomes["rate_ratio"]["stratified"]
    assert ratio["ci_low"] < 0.45 < ratio["ci_high"]  # the demo's planted protection
    assert (
        outcomes["costs"]["cost_per_home"] > 0 and outcomes["savings"]["prevented"]["estimate"] > 0
    )
    for text in ("Coverage by area and month", "burglaries prevented", "Safety audits", "<svg"):
        assert text in after.text
    audits = client.get("/api/homes/audits/summary", headers=people["viewer"].headers).json()
    assert 0.25 < audits["left_open"]["share"] < 0.35  # the demo draws about three in ten
