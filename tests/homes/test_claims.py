"""Complaints and compensation: the rules of deciding them, and the rate per installed job."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime

import pytest
from numpy.testing import assert_allclose
from scipy import stats
from sqlalchemy import select
from statsmodels.stats.proportion import proportion_confint
from typer.testing import CliRunner

from citysafe import db
from citysafe.audit.models import AuditEntry
from citysafe.audit.service import SYSTEM
from citysafe.homes import service
from citysafe.homes.claims import exact_interval

DAY = date(2024, 5, 1)
LATER = date(2024, 6, 1)


def claim(session, job, kind="compensation", amount=None, actor=SYSTEM, **more):
    more.setdefault("received_on", DAY)
    more.setdefault("description", "Carpet marked by a ladder")
    return service.add_claim(session, job_id=job, kind=kind, amount=amount, actor=actor, **more)


def test_a_compensation_claim_upheld_then_paid(session, job_at_status, actor):
    job = job_at_status("installed")
    found = claim(session, job, amount=120.0)
    assert (found.outcome, found.amount, found.paid) == ("open", 120.0, None)
    service.decide_claim(
        session, claim_id=found.id, outcome="upheld", decided_on=LATER, actor=actor
    )
    paid = service.decide_claim(
        session, claim_id=found.id, outcome="paid", paid=80.0, decided_on=LATER, actor=actor
    )
    assert (paid.outcome, paid.paid, paid.decided_on) == ("paid", 80.0, LATER)
    assert service.job_claims(session, job_id=job) == [paid]
    entries = session.scalars(
        select(AuditEntry.action).where(AuditEntry.record_type == "homes_claim")
    ).all()
    assert entries == ["create", "update", "update"]
    with pytest.raises(service.HomesError, match=rf"claim {found.id} is already decided \(paid on"):
        service.decide_claim(
            session, claim_id=found.id, outcome="rejected", decided_on=LATER, actor=actor
        )


def test_a_complaint_is_decided_once(session, job_at_status, actor):
    job = job_at_status("cancelled")  # a complaint may be about a visit that never happened
    found = claim(session, job, kind="complaint", description="Nobody came")
    with pytest.raises(
        service.HomesError, match=rf"claim {found.id} is a complaint: only compensation claims"
    ):
        service.decide_claim(
            session, claim_id=found.id, outcome="paid", paid=10.0, decided_on=LATER, actor=actor
        )
    service.decide_claim(
        session, claim_id=found.id, outcome="upheld", decided_on=LATER, actor=actor
    )
    with pytest.raises(
        service.HomesError, match=rf"claim {found.id} is already decided \(upheld on 2024-06-01\)"
    ):
        service.decide_claim(
            session, claim_id=found.id, outcome="withdrawn", decided_on=LATER, actor=actor
        )


def test_bad_claims_are_refused(session, job_at_status):
    job = job_at_status("installed")
    with pytest.raises(
        service.HomesError, match=rf"job {job}: a claim is a complaint or a compensation \(got 'x'"
    ):
        claim(session, job, kind="x")
    with pytest.raises(service.HomesError, match=rf"job {job}: say what the complaint is about"):
        claim(session, job, kind="complaint", description="  ")
    with pytest.raises(service.HomesError, match="a complaint has no amount"):
        claim(session, job, kind="complaint", amount=50.0)
    with pytest.raises(service.HomesError, match=r"the amount claimed cannot be negative \(got -5"):
        claim(session, job, amount=-5)
    with pytest.raises(service.HomesError, match="the amount claimed must be a number of pounds"):
        claim(session, job, amount="lots")
    with pytest.raises(service.HomesError, match="the date received 2999-01-01 is in the future"):
        claim(session, job, received_on=date(2999, 1, 1))
    with pytest.raises(
        service.HomesError,
        match=r"received \(2024-04-01\) before the job was requested \(2024-05-01\)",
    ):
        claim(session, job, received_on=date(2024, 4, 1))
    with pytest.raises(service.NotFound, match="no job 999"):
        claim(session, 999)
    scheduled = job_at_status("scheduled")
    with pytest.raises(
        service.HomesError,
        match=rf"job {scheduled} is scheduled and was never visited: compensation is claimed",
    ):
        claim(session, scheduled, amount=10.0)


def test_bad_decisions_are_refused(session, job_at_status, actor):
    found = claim(session, job_at_status("visited"), amount=100.0)

    def decide(outcome, paid=None, decided_on=LATER):
        return service.decide_claim(
            session,
            claim_id=found.id,
            outcome=outcome,
            paid=paid,
            decided_on=decided_on,
            actor=actor,
        )

    with pytest.raises(service.HomesError, match=r"the outcome is one of upheld, rejected, paid"):
        decide("open")
    with pytest.raises(service.HomesError, match=r"the outcome is one of .* \(got 'lost'\)"):
        decide("lost")
    with pytest.raises(service.HomesError, match="say how much was paid"):
        decide("paid")
    with pytest.raises(service.HomesError, match=r"the amount paid cannot be negative \(got -1\)"):
        decide("paid", -1.0)
    with pytest.raises(service.HomesError, match="nothing paid is not 'paid'"):
        decide("paid", 0)
    with pytest.raises(service.HomesError, match=r"£150.00 paid is more than the £100.00 claimed"):
        decide("paid", 150.0)
    with pytest.raises(
        service.HomesError, match=r"an amount paid goes with the outcome 'paid' \(got 'rejected'\)"
    ):
        decide("rejected", 10.0)
    with pytest.raises(
        service.HomesError,
        match=r"decided \(2024-04-30\) before it was received \(2024-05-01\)",
    ):
        decide("rejected", decided_on=date(2024, 4, 30))
    with pytest.raises(service.HomesError, match="the decision date 2999-01-01 is in the future"):
        decide("rejected", decided_on=date(2999, 1, 1))
    with pytest.raises(service.NotFound, match="no claim 999"):
        service.decide_claim(
            session, claim_id=999, outcome="rejected", decided_on=LATER, actor=actor
        )
    decide("upheld")
    with pytest.raises(
        service.HomesError, match=r"was upheld on 2024-06-01: what is left is to pay it"
    ):
        decide("rejected")
    # with no amount claimed, any positive payment stands
    open_ended = claim(session, job_at_status("installed"))
    service.decide_claim(
        session, claim_id=open_ended.id, outcome="paid", paid=35.5, decided_on=LATER, actor=actor
    )


def test_the_programme_summary(session, job_at_status, actor):
    jobs = [job_at_status("installed") for _ in range(12)]
    visited = job_at_status("visited")
    paid = claim(session, jobs[0], amount=60.0)
    service.decide_claim(
        session, claim_id=paid.id, outcome="paid", paid=50.0, decided_on=LATER, actor=actor
    )
    # a second claim on the same job counts the job once in the rate
    claim(session, jobs[0], amount=20.0, description="Scratched door")
    rejected = claim(session, jobs[1])
    service.decide_claim(
        session, claim_id=rejected.id, outcome="rejected", decided_on=LATER, actor=actor
    )
    claim(session, jobs[2], kind="complaint", description="Late")
    claim(session, visited, amount=30.0)
    found = service.claims_summary(session)
    assert found.jobs_installed == 12 and found.claims == 5 and found.open == 3
    assert found.by_kind == {"complaint": 1, "compensation": 4}
    assert found.by_outcome["compensation"] == {
        "open": 2,
        "upheld": 0,
        "rejected": 1,
        "paid": 1,
        "withdrawn": 0,
    }
    assert found.on_jobs_not_installed == 1
    assert (found.compensation.jobs_with_claim, found.compensation.jobs) == (2, 12)
    assert (found.paid.jobs_with_claim, found.paid.share) == (1, 1 / 12)
    assert_allclose(found.paid.pct, 100 / 12)
    for rate, k in ((found.compensation, 2), (found.paid, 1)):
        assert_allclose((rate.ci_low, rate.ci_high), proportion_confint(k, 12, method="beta"))
    assert (found.total_claimed, found.total_paid) == (110.0, 50.0)
    assert_allclose(found.paid_per_job, 50 / 12)
    assert found.interval == "Clopper-Pearson exact"
    assert found.as_dict()["paid"]["jobs_with_claim"] == 1


def test_an_empty_summary(session):
    found = service.claims_summary(session)
    assert found.jobs_installed == 0 and found.claims == 0
    assert math.isnan(found.paid.share) and math.isnan(found.paid_per_job)
    assert found.as_dict()["paid"]["share"] is None and found.as_dict()["paid_per_job"] is None
    assert found.by_kind == {"complaint": 0, "compensation": 0}


@pytest.mark.parametrize(
    "k, n", [(0, 1), (0, 400), (1, 400), (6, 2383), (5, 10), (10, 10), (40, 100)]
)
def test_exact_interval_matches_scipy_and_statsmodels(k, n):
    # (6, 2383) is the seed's 0.25% of its 2,383 jobs
    for confidence in (0.9, 0.95, 0.99):
        ours = exact_interval(k, n, confidence=confidence)
        assert_allclose(ours, proportion_confint(k, n, alpha=1 - confidence, method="beta"))
        scipy_ci = stats.binomtest(k, n).proportion_ci(confidence, method="exact")
        assert_allclose(ours, (scipy_ci.low, scipy_ci.high))
    assert all(math.isnan(v) for v in exact_interval(0, 0))


def test_citysafe_homes_claims(cli_store):
    from citysafe.cli import app
    from citysafe.homes.models import Household, Job

    with db.session_scope(cli_store) as session:
        for i in range(4):
            home = Household(
                address=f"{i} Test Road",
                postcode="L8 1AA",
                address_key=f"{i} TEST ROAD|L81AA",
                tenure="owner",
                longitude=-2.985,
                latitude=53.405,
                easting=334600.0,
                northing=390250.0,
                source="test",
                source_line=i + 2,
                imported_at=datetime(2024, 5, 1, tzinfo=UTC),
            )
            session.add(home)
            session.flush()
            session.add(Job(household_id=home.id, status="installed", requested_on=DAY))
        session.flush()
        job = session.scalars(select(Job.id)).first()
        found = claim(session, job, amount=40.0)
        service.decide_claim(
            session, claim_id=found.id, outcome="paid", paid=40.0, decided_on=LATER, actor=SYSTEM
        )
    result = CliRunner().invoke(app, ["homes", "claims", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["jobs_installed"] == 4 and found["paid"]["share"] == 0.25
    assert found["total_paid"] == 40.0 and found["paid_per_job"] == 10.0
    text = CliRunner().invoke(app, ["homes", "claims"]).stdout
    assert "paid: 1 of 4 jobs (25.00%" in text and "paid £40.00 in all" in text
