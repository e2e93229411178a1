"""The usage log, outreach and nominations: their rules, summaries and public figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from citysafe.audit.models import AuditEntry
from citysafe.havens import service
from citysafe.havens.models import Nomination
from tests.havens.conftest import ACTOR, HERE, TODAY, add_ready_venue


def log(
    session,
    venue,
    when: str,
    reason="followed or threatened",
    band="14-15",
    actions=("stayed until safe",),
):
    return service.record_use(
        session,
        venue_id=venue.id,
        at=datetime.fromisoformat(when),
        age_band=band,
        reason=reason,
        actions=list(actions),
        actor=ACTOR,
    )


def test_a_use_is_logged_without_names_and_checked(session):
    venue, _ = add_ready_venue(session)
    use = log(
        session,
        venue,
        "2025-07-01 23:30",
        actions=["called police", "stayed until safe", "Called Police"],
    )
    assert use.actions == ["called police", "stayed until safe"]
    assert use.recorded_by == "test"
    # a naive time is UK time: 23:30 BST is 22:30 UTC, still July in the summary
    assert service.monthly_summary(session).months == ["2025-07"]
    with pytest.raises(service.HavenError, match="reason: 'revenge' is not one of"):
        log(session, venue, "2025-07-01 12:00", reason="revenge")
    with pytest.raises(service.HavenError, match="age_band"):
        log(session, venue, "2025-07-01 12:00", band="fifteen")
    with pytest.raises(service.HavenError, match="give at least one"):
        log(session, venue, "2025-07-01 12:00", actions=[])
    with pytest.raises(service.HavenError, match="in the future"):
        log(session, venue, (datetime.now() + timedelta(days=1)).isoformat(timespec="minutes"))


def test_monthly_summaries_by_reason_and_venue_count_every_use(session):
    shop, _ = add_ready_venue(session, "Shop")
    library, _ = add_ready_venue(session, "Library", lon=HERE[0] + 0.01)
    for when, venue, reason in [
        ("2025-01-03 16:00", shop, "bullying"),
        ("2025-01-20 17:00", shop, "followed or threatened"),
        ("2025-01-31 23:30", library, "lost or separated"),  # UK time: still January
        ("2025-03-02 15:00", library, "bullying"),
    ]:
        log(session, venue, when, reason=reason)
    summary = service.monthly_summary(session)
    assert summary.months == ["2025-01", "2025-02", "2025-03"]
    assert summary.by_reason["2025-01"]["bullying"] == 1
    assert sum(summary.by_reason["2025-01"].values()) == 3
    assert sum(summary.by_reason["2025-02"].values()) == 0
    assert summary.by_venue["2025-01"] == {"Library": 1, "Shop": 2}
    assert summary.total == 4
    assert service.monthly_summary(session, months=1).months == ["2025-03"]


def test_public_figures_hide_small_counts(client, session):
    venue, _ = add_ready_venue(session)
    for day in range(1, 8):  # 7 uses in January: 6 bullying, 1 lost
        log(
            session,
            venue,
            f"2025-01-{day:02d} 16:00",
            reason="bullying" if day < 7 else "lost or separated",
        )
    for day in range(1, 3):  # 2 in February
        log(session, venue, f"2025-02-{day:02d} 16:00", reason="bullying")
    session.commit()
    figures = client.get("/api/public/havens/figures").json()
    uses = figures["uses"]
    true = {"2025-01": {"bullying": 6, "lost or separated": 1}, "2025-02": {"bullying": 2}}
    for month, row in uses["by_month"].items():
        for reason, shown in row.items():
            count = true.get(month, {}).get(reason, 0)
            assert shown is None or shown == count  # hidden, or the true count
            assert not 1 <= count <= 4 or shown is None  # 1 to 4 always hidden
    assert uses["by_month"]["2025-01"]["lost or separated"] is None
    assert uses["month_totals"]["2025-02"] is None  # 2: hidden
    assert uses["total"] == 9
    # no row or column is left with a single hidden member beside its shown total
    for month in figures["months"]:
        hidden = sum(v is None for v in uses["by_month"][month].values())
        assert hidden != 1 or uses["month_totals"][month] is None
    page = client.get("/safe-havens/figures")
    assert page.status_code == 200 and "[c]" in page.text


def test_outreach_totals_by_month_and_area(session):
    for held_on, area, reached in [
        (date(2025, 5, 6), "Anfield", 150),
        (date(2025, 5, 20), "Everton", 120),
        (date(2025, 6, 2), "Anfield", 30),
    ]:
        service.add_event(
            session,
            held_on=held_on,
            kind="school assembly",
            place="A School",
            audience="Year 9",
            reached=reached,
            area=area,
            actor=ACTOR,
        )
    totals = service.outreach_totals(session)
    assert totals.reached == 300 and totals.events == 3
    assert totals.by_month == {"2025-05": 270, "2025-06": 30}
    assert totals.by_area == {"Anfield": 180, "Everton": 120}
    with pytest.raises(service.HavenError, match="reached"):
        service.add_event(
            session,
            held_on=date(2025, 5, 6),
            kind="youth group",
            place="Club",
            audience="11-16",
            reached=-3,
            actor=ACTOR,
        )
    with pytest.raises(service.HavenError, match="in the future"):
        service.add_event(
            session,
            held_on=TODAY + timedelta(days=2),
            kind="youth group",
            place="Club",
            audience="11-16",
            reached=3,
            actor=ACTOR,
        )


def test_a_public_nomination_is_reviewed_and_approval_adds_the_venue(client, session, people):
    client.get("/safe-havens/nominate")
    sent = client.post(
        "/safe-havens/nominate",
        data={
            "venue_name": "Ribble Bakery",
            "place": "40 Ribble Lane",
            "reason": "The staff are kind and it is open after school.",
            "age_band": "14-15",
            "contact": "my mum's phone 07700 900123",
            "csrf_token": client.cookies.get("citysafe_csrf"),
        },
    )
    assert sent.status_code == 200 and "Thank you" in sent.text
    assert "07700" not in sent.text
    [nomination] = session.scalars(select(Nomination)).all()
    assert (nomination.status, nomination.contact) == ("received", "my mum's phone 07700 900123")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "haven_nomination")
    ).one()
    assert entry.client is None and entry.username == "public"  # no address kept
    public = client.get("/api/public/havens/figures").json()
    assert public["nominations"] is None  # 1: hidden
    # staff review: no location, so approval must name a venue
    headers = people["coordinator"].headers
    url = f"/api/havens/nominations/{nomination.id}/review"
    assert client.post(url, json={"status": "contacted"}, headers=headers).status_code == 200
    refused = client.post(url, json={"status": "approved"}, headers=headers)
    assert refused.status_code == 422 and "no location" in refused.json()["detail"]
    venue = service.create_venue(
        session, service.VenueDraft("Ribble Bakery", "shop", HERE[0], HERE[1]), actor=ACTOR
    )
    session.commit()
    approved = client.post(url, json={"status": "approved", "venue_id": venue.id}, headers=headers)
    assert approved.status_code == 200 and approved.json()["venue_id"] == venue.id
    again = client.post(url, json={"status": "declined"}, headers=headers)
    assert again.status_code == 422 and "cannot become" in again.json()["detail"]
    assert (
        client.get("/api/havens/nominations", headers=people["viewer"].headers).status_code == 403
    )


def test_approving_a_located_nomination_adds_the_venue_as_approved(session):
    nomination = service.submit_nomination(
        session,
        venue_name="Pemberton Library",
        place="Pemberton Road",
        reason="Safe and warm",
        longitude=HERE[0],
        latitude=HERE[1],
    )
    service.review(session, nomination.id, status="approved", kind="library", actor=ACTOR)
    venue = service.get_venue(session, nomination.venue_id)
    assert [c.status for c in venue.history] == ["nominated", "approved"]
    assert (venue.name, venue.kind, venue.status) == ("Pemberton Library", "library", "approved")
    with pytest.raises(service.HavenError, match="both longitude and latitude"):
        service.submit_nomination(session, venue_name="X", place="Y", reason="Z", longitude=HERE[0])
    assert nomination.submitted_at.replace(tzinfo=UTC) <= datetime.now(UTC)


def test_a_bot_filling_the_hidden_field_is_thanked_and_ignored(client, session):
    client.get("/safe-havens/nominate")
    client.post(
        "/safe-havens/nominate",
        data={
            "venue_name": "Spam",
            "place": "Spam",
            "reason": "Spam",
            "website": "http://spam",
            "csrf_token": client.cookies.get("citysafe_csrf"),
        },
    )
    assert session.scalars(select(Nomination)).all() == []
