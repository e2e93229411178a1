"""Safety audits: the checklist, the refusals, and the programme summary with Wilson intervals."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime

import pytest
from numpy.testing import assert_allclose
from sqlalchemy import select
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

from citysafe import db
from citysafe.audit.models import AuditEntry
from citysafe.audit.service import SYSTEM
from citysafe.homes import service
from citysafe.homes.audits import CHECKLIST, LEFT_OPEN, wilson_interval

DAY = date(2024, 5, 1)
CODES = [p.code for p in CHECKLIST]
ADVICE = {p.code: p.advice for p in CHECKLIST}


def all_secure(**changes: str) -> dict[str, str]:
    return {**dict.fromkeys(CODES, "yes"), **changes}


def test_the_checklist_covers_the_seeds_topics():
    assert 10 <= len(CHECKLIST) <= 14
    assert len(set(CODES)) == len(CODES)
    assert {p.topic for p in CHECKLIST} == {
        "doors",
        "windows",
        "upper floors",
        "lighting",
        "valuables",
        "marking",
    }
    assert all(p.question.endswith("?") and p.advice for p in CHECKLIST)
    assert set(LEFT_OPEN) <= set(CODES)


def test_an_audit_with_its_answers_and_advice(session, job_at_status, actor):
    job = job_at_status("installed")
    answers = all_secure(doors_locked="no", keys_away="No ", flat_roof="n/a")
    service.record_audit(
        session,
        job_id=job,
        answers=answers,
        advice={"window_locks": "Fitted two window locks", "keys_away": ""},
        done_on=DAY,
        note="resident's daughter present",
        actor=actor,
    )
    found = service.job_audit(session, job_id=job)
    assert found.done_on == DAY and found.done_by == "system"
    assert found.answers["doors_locked"] == "no" and found.answers["keys_away"] == "no"
    assert found.answers["flat_roof"] == "n/a" and len(found.answers) == len(CHECKLIST)
    # a "no" gets the checklist's advice unless the team said otherwise ("" = none given)
    assert found.advice == {
        "doors_locked": ADVICE["doors_locked"],
        "window_locks": "Fitted two window locks",
    }
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "homes_safety_audit")
    ).one()
    detail = json.loads(entry.detail) if isinstance(entry.detail, str) else entry.detail
    assert detail == {"job_id": job, "not_secure": 2, "advice_given": 2}
    assert service.job_audit(session, job_id=job_at_status("installed")) is None


def test_an_audit_after_a_visit_the_resident_then_declined(session, job_at_status, actor):
    job = job_at_status("declined")
    assert service.record_audit(session, job_id=job, answers=all_secure(), actor=actor, done_on=DAY)


@pytest.mark.parametrize("status", ["requested", "scheduled", "no access", "cancelled"])
def test_no_audit_without_a_visit(session, job_at_status, actor, status):
    job = job_at_status(status)
    with pytest.raises(
        service.HomesError,
        match=rf"job {job} is {status} and was never visited: a safety audit is done at the visit",
    ):
        service.record_audit(session, job_id=job, answers=all_secure(), actor=actor, done_on=DAY)


def test_bad_audits_are_refused(session, job_at_status, actor):
    job = job_at_status("visited")

    def record(answers, **more):
        more.setdefault("done_on", DAY)
        return service.record_audit(session, job_id=job, answers=answers, actor=actor, **more)

    with pytest.raises(service.HomesError, match=rf"job {job}: no checklist point 'moat' \(the"):
        record(all_secure(moat="yes"))
    missing = dict(all_secure())
    del missing["flat_roof"], missing["side_gate"]
    with pytest.raises(service.HomesError, match=rf"job {job}: no answer for side_gate, flat_roof"):
        record(missing)
    with pytest.raises(
        service.HomesError, match=rf"job {job}, point front_door: answer yes, no or n/a \(got 'y'\)"
    ):
        record(all_secure(front_door="y"))
    with pytest.raises(service.HomesError, match="advice for no checklist point moat"):
        record(all_secure(), advice={"moat": "Fill it"})
    with pytest.raises(service.HomesError, match="the audit date 2999-01-01 is in the future"):
        record(all_secure(), done_on=date(2999, 1, 1))
    with pytest.raises(
        service.HomesError,
        match=r"the audit date 2024-04-01 is before the job was requested \(2024-05-01\)",
    ):
        record(all_secure(), done_on=date(2024, 4, 1))
    with pytest.raises(service.NotFound, match="no job 999"):
        service.record_audit(session, job_id=999, answers=all_secure(), actor=actor)
    record(all_secure())
    with pytest.raises(
        service.HomesError, match=rf"job {job} already has a safety audit \(done 2024-05-01\)"
    ):
        record(all_secure())


def test_the_programme_summary(session, job_at_status, actor):
    # ten audits: a door left unlocked in 3, a window open in 2 (one home both): 4 left open;
    # flat roofs: n/a in 5, not secure in 1 of the other 5
    plans = [
        {"doors_locked": "no", "windows_shut": "no"},
        {"doors_locked": "no"},
        {"doors_locked": "no", "flat_roof": "no"},
        {"windows_shut": "no"},
    ] + [{}] * 6
    for i, changes in enumerate(plans):
        answers = all_secure(**changes)
        if i >= 5:
            answers["flat_roof"] = "n/a"
        service.record_audit(
            session, job_id=job_at_status("installed"), answers=answers, done_on=DAY, actor=actor
        )
    found = service.audit_summary(session)
    assert found.audits == 10 and found.interval == "Wilson score"
    by_code = {p.code: p for p in found.points}
    doors, windows, roofs = by_code["doors_locked"], by_code["windows_shut"], by_code["flat_roof"]
    assert (doors.answered, doors.not_secure, doors.share) == (10, 3, 0.3)
    assert (windows.not_secure, windows.share) == (2, 0.2)
    assert (roofs.answered, roofs.not_secure, roofs.not_applicable, roofs.share) == (5, 1, 5, 0.2)
    assert (found.left_open.answered, found.left_open.not_secure) == (10, 4)
    for point, (k, n) in ((doors, (3, 10)), (roofs, (1, 5)), (found.left_open, (4, 10))):
        assert_allclose(
            (point.ci_low, point.ci_high), proportion_confint(k, n, alpha=0.05, method="wilson")
        )
    # highest share first; the all-secure points last with a share of 0
    assert [p.code for p in found.points[:3]] == ["doors_locked", "windows_shut", "flat_roof"]
    assert found.points[-1].share == 0.0 and found.points[-1].ci_low == 0.0
    assert (doors.advice_given, found.advice_given, found.audits_with_advice) == (3, 6, 4)
    assert found.as_dict()["left_open"]["not_secure"] == 4


def test_an_empty_summary(session):
    found = service.audit_summary(session)
    assert found.audits == 0 and found.advice_given == 0
    assert all(p.answered == 0 and math.isnan(p.share) for p in found.points)
    assert found.as_dict()["points"][0]["share"] is None
    with pytest.raises(service.HomesError, match="confidence must be between 0 and 1, got 95"):
        service.audit_summary(session, confidence=95)


@pytest.mark.parametrize(
    "k, n", [(0, 1), (0, 10), (1, 10), (5, 10), (10, 10), (30, 100), (3, 1000)]
)
def test_wilson_interval_matches_statsmodels(k, n):
    for confidence in (0.9, 0.95, 0.99):
        expected = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
        assert_allclose(wilson_interval(k, n, confidence=confidence), expected, atol=1e-12)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_citysafe_homes_audit_summary(cli_store):
    from citysafe.cli import app
    from citysafe.homes.models import Household, Job

    with db.session_scope(cli_store) as session:
        home = Household(
            address="1 Test Road",
            postcode="L8 1AA",
            address_key="1 TEST ROAD|L81AA",
            tenure="owner",
            longitude=-2.985,
            latitude=53.405,
            easting=334600.0,
            northing=390250.0,
            source="test",
            source_line=2,
            imported_at=datetime(2024, 5, 1, tzinfo=UTC),
        )
        session.add(home)
        session.flush()
        job = Job(household_id=home.id, status="visited", requested_on=DAY)
        session.add(job)
        session.flush()
        service.record_audit(
            session, job_id=job.id, answers=all_secure(windows_shut="no"), done_on=DAY, actor=SYSTEM
        )
    result = CliRunner().invoke(app, ["homes", "audit-summary", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["audits"] == 1 and found["points"][0]["code"] == "windows_shut"
    assert found["left_open"]["share"] == 1.0
    text = CliRunner().invoke(app, ["homes", "audit-summary"])
    assert "windows_shut: 1/1 not secure (100.0%" in text.stdout
